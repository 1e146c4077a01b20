"""Records that live beside documents: edges between records, and failures of inputs."""

from __future__ import annotations

from dataclasses import dataclass

from storytrace.model.ids import make_id

__all__ = ["Edge", "Failure"]


@dataclass(frozen=True, slots=True)
class Edge:
    """A scored, explained link between two records (``near_duplicate``, later ``same_entity``, ``stance``…).

    Merges are edges, never destructive rewrites, so they can be explained and undone.
    """

    left_id: str
    right_id: str
    kind: str
    score: float
    method: str  # the component with version, e.g. "clean.near_duplicates.minhash.v2"
    explanation: str
    created_by: str = "storytrace"

    @property
    def id(self) -> str:
        return make_id("edg", self.kind, self.left_id, self.right_id, self.method)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not become a document: which, at which stage, why, and what to do."""

    locator: str
    stage: str  # "read", "fetch", "decode", "parse", "clean", "store"
    code: str
    message: str
    hint: str = ""

    @property
    def id(self) -> str:
        return make_id("fail", self.locator, self.stage, self.code)

    def line(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.locator}: {self.message}{hint} [{self.code}]"
