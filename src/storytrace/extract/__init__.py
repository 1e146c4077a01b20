"""Per-article extraction: one module per product, each a registered, versioned Document -> Document component.

Every module in this package is imported when the registry is first used, so a new extractor only has to
exist here and call ``storytrace.pipeline.register``.
"""
