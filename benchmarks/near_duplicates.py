"""Near-duplicate benchmark: synthetic wire reports with labelled copies, rewrites and same-event reports.

Every text comes from the small grammar below (invented names, places and outlets): no real article text.

    python benchmarks/near_duplicates.py --seed 2 --originals 500         # TEST: the published table
    python benchmarks/near_duplicates.py --seed 2 --originals 500 --json  # the same, machine-readable
    python benchmarks/near_duplicates.py --sweep --seed 1                 # DEV: how k, rule, b×r were chosen

Seed 1 is DEV: the parameters were chosen on it. Seed 2 is TEST: never tuned on, it gives the published
numbers. Two documents are near-duplicates when they share an *origin* (an original and the copies derived
from it); two independent reports of one event (same names, places, figures and quote, other wording) are two
origins and must not be linked. Recall counts (original, copy) pairs per kind of copy; precision counts every
link (a link between two copies of one origin is right: both are that one origin).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import random
import re
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

try:
    from storytrace.clean import dedup
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from storytrace.clean import dedup

DEV_SEED = 1
TEST_SEED = 2

# Kinds of derived copy. The first four are what near-duplicate detection must catch. A heavy rewrite keeps
# the facts but not the wording; it is left to the later "shared wording" stage: reported, not required. A
# lede-only brief (the first 15-30% of a story, a common way to run wire copy) goes beyond the four asked for:
# reported, because it is where Jaccard-based LSH starts to miss a copy that is contained in its source.
REQUIRED_KINDS = ("copy", "near_verbatim", "light_rewrite", "truncated")
REPORTED_KINDS = ("lede_only", "heavy_rewrite")
DERIVED_KINDS = REQUIRED_KINDS + REPORTED_KINDS
SAME_EVENT = "same_event"  # an independent report of the original's event: a hard negative

# ----------------------------------------------------------------------------------------------------
# Vocabulary: invented people, places, organisations and outlets.


def _vocab(items: str) -> tuple[str, ...]:
    """A word list written as one ``|``-separated string, which reads better than a column of literals."""
    return tuple(items.split("|"))


FIRST_NAMES = _vocab(
    "Farid|Samir|Layla|Nadia|Karim|Omar|Yusuf|Hana|Rania|Tariq|Malik|Zaid|Amira|Basim|Dalia|Ehsan|Ghazi|Hadi|"
    "Imad|Jalal|Kamal|Lina|Maher|Nabil|Qasim|Rashid|Salma|Talal|Wael|Yasmin|Ziad|Anton|Boris|Clara|Dmitri|Elena|"
    "Goran|Helena|Ivo|Jana|Kira|Luka|Mira|Nika|Oskar|Petra|Rada|Sven|Tomas|Vera|Adel|Bushra|Faisal|Munir|Suha"
)
SURNAMES = _vocab(
    "al-Kassimi|Darwan|Hilmani|Qurtab|al-Saffar|Talbouni|Varesh|Zahiri|Mendrov|Oskarsen|al-Nuwairi|Bakrash|"
    "Fendi|Gharrawi|Haddur|Issawan|Jorvik|Kellani|Lutfan|Maroudi|Nassek|Orbeli|Piravi|Qandil|Rostami|Sahlawi|"
    "Tuvic|Umrani|Vasko|Wardak|Yazbeki|Zorlan|al-Hamdani|Benvar|Corsini|Draganov|Estrella|Falkner|Grusin|Halvor"
)
CITIES = _vocab(
    "Harbal|Qasrin|Telmar|Dunvar|Sabrit|Kelvaz|Marun|Oshket|Port Selim|Valdra|Zerin|Amrah|Ferrat|Galen Cross|"
    "Idrin|Joval|Khadra|Lusk|Merev|Nahrun|Orvan|Pesh Kala|Rimah|Sulfa|Tarqa|Umbrin|Wadi Sela|Yarrow Point|"
    "Belkan|Casmir|Dorra|Elbur|Fahsa|Gorran|Hisar Tal|Istra|Jebel Noor|Karsk"
)
PROVINCES = _vocab("Nahrun|Upper Valdra|Kestrel|Sahra|Mirwan|Tallis|Oran Vale|Bekka|Dusan|Halwa|Qaf|Lower Rimah")
COUNTRIES = _vocab("Aldoria|Kestria|Marwand|Taresh|Vellmark|Suhal|Orvenia|Baltrun")
COMPASS = _vocab("northern|southern|eastern|western|central|north-western|south-eastern")
WEEKDAYS = _vocab("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
MONTHS = _vocab("January|February|March|April|May|June|July|August|September|October|November|December")
MINISTRIES = _vocab("Interior|Defence|Health|Foreign Affairs|Oil|Finance|Water Resources|Transport|Justice")
GROUPS = _vocab(
    "the Green Valley Brigades|the Sons of Rimah Movement|the Northern Shield Battalion|the Crescent Guard|"
    "the Free Dunvar Movement|the Mountain Lions Front|the Coastal Defence League|the Army of the Two Rivers|"
    "the Sabrit Martyrs Brigade|the Eastern Dawn Committee"
)
PARTIES = _vocab(
    "the National Renewal Party|the Union of the Coast|the Progressive Bloc|the Valdra Alliance|"
    "the Movement for Reform|the Democratic Front of Kestria|the Justice and Unity List"
)
OUTLETS = _vocab(
    "Meridian Wire|Northgate Post|The Valdra Herald|Kestria Today|Coastline Daily|Eastern Observer|"
    "Sabrit News Agency|Daily Lantern|Crossroads Radio|The Dispatch Review|Harbal Times|Aldoria Press "
    "Service|"
    "Rimah Voice|The Morning Ledger"
)
FACILITIES = _vocab(
    "a military base|the central market|a border crossing|the oil refinery|a police station|the main bus "
    "station|"
    "a government compound|an army checkpoint|a power plant|the old bridge|a grain warehouse|the airport road"
)
SECTIONS = _vocab("World|Politics|Region|Security|Breaking|Middle East|News|Economy")

# ----------------------------------------------------------------------------------------------------
# The grammar. ``[a|b|c]`` picks one alternative (nesting allowed), ``{slot}`` takes an event fact and
# ``{any_*}`` draws afresh from the vocabulary, so unrelated reports share stock phrases, not particulars.

LEDES = {
    "attack": [
        "[At least|No fewer than] {killed} people were killed and {wounded} wounded when [gunmen|militants|"
        "attackers] [stormed|attacked|struck] {facility} in the {compass} city of {city} on {weekday}, "
        "[officials said|security sources said|according to local officials].",
        "[A|An early morning|A late-night] [rocket|drone|mortar] attack on {facility} in {city} [killed|left "
        "dead] "
        "{killed} people [and wounded|and injured] {wounded} others on {weekday}, [the {ministry} Ministry "
        "said|"
        "authorities said|a security official said].",
        "{group} [claimed responsibility for|said it carried out] [an attack|a [drone|rocket] strike] on "
        "{facility} [near|outside|in] {city} on {weekday} that [killed|left] {killed} people [dead|] and "
        "[wounded|injured] {wounded}.",
    ],
    "meeting": [
        "{title} {person} met [leaders of|a delegation from|representatives of] {group} in {city} on "
        "{weekday} "
        "[to discuss|for talks on] [a possible ceasefire|the fate of {count} detainees|the reopening of "
        "{facility}|security arrangements in {province} province].",
        "[Talks|A closed-door meeting|Negotiations] between {title} {person} and {group} [took place|were "
        "held] "
        "in {city} on {weekday}, [the first such meeting in {months} months|officials from both sides said|"
        "according to a statement from the {ministry} Ministry].",
    ],
    "protest": [
        "[Thousands of|Several thousand|Hundreds of] [protesters|demonstrators|residents] [took to the "
        "streets of|"
        "marched through|rallied in] {city} on {weekday} [to demand|calling for] [the resignation of {title} "
        "{person}|better public services|the release of {count} detained activists|an end to power cuts].",
        "[Police|Security forces] [fired tear gas at|clashed with|dispersed] [protesters|demonstrators] in "
        "{city} on {weekday}, [wounding|injuring] {wounded} people, [medics said|according to hospital "
        "sources|"
        "the health directorate said].",
    ],
    "opening": [
        "{group} [opened|has opened|inaugurated] [an office|a political bureau|a representative office] in "
        "{city} [on {weekday}|this week], [a move that|in a step that] [drew criticism from|angered|alarmed] "
        "{party}.",
        "[A new office|The first office] of {group} [opened its doors|began operating] in {city} on "
        "{weekday}, "
        "{title} {person} [confirmed|said|told reporters].",
    ],
    "arrest": [
        "[Security forces|Police|Counter-terrorism units] [arrested|detained] {count} [people|suspects|men] "
        "in "
        "{city} on {weekday} [over|in connection with] [the attack on {facility}|a plot against {title} "
        "{person}|a smuggling network], [the {ministry} Ministry said|officials said].",
        "{title} {person} [announced|said] on {weekday} that {count} [members|suspected members] of {group} "
        "had been [arrested|detained|taken into custody] [in|near|around] {city}.",
    ],
    "flood": [
        "[Flash floods|Heavy floods|Torrential rain and floods] [killed|left dead] {killed} people and "
        "[forced|"
        "drove] {people} [residents|families] from their homes in {province} province on {weekday}, [the "
        "civil "
        "defence said|officials said|according to the civil defence directorate].",
        "[Floodwaters|Rising waters] [swept through|submerged] [parts of|villages around|low-lying districts "
        "of] "
        "{city} on {weekday}, killing {killed} people and [cutting off|isolating] {people} "
        "[residents|families].",
    ],
    "agreement": [
        "{country} and {country2} [signed|agreed|concluded] a [deal|agreement|memorandum] worth ${amount} "
        "million on {weekday} to [rebuild|upgrade|expand] {facility} in {city}, {title} {person} said.",
        "[Officials|Negotiators] from {country} and {country2} [reached|struck] an agreement on {weekday} "
        "[over|on] [water sharing|border security|electricity exports] [worth|valued at] ${amount} million, "
        "[according to|said] the {ministry} Ministry.",
    ],
}

DETAILS = {
    "attack": [
        "[The attack|The assault|The strike] [hit|targeted|struck] {facility} [shortly after|just "
        "before|around] "
        "{hour} [a.m.|p.m.], [witnesses said|according to witnesses|residents said].",
        "[Among the dead|Those killed included] [were|] {dead_detail}, [a hospital official said|medics said|"
        "according to the health directorate].",
        "[At least|Some] {vehicles} [vehicles|cars] were [destroyed|burnt out|damaged] and [windows|shop "
        "fronts] "
        "[were shattered|blown out] [along|across] [the street|the district|nearby roads].",
        "[The wounded|The injured] were [taken|rushed] to [hospitals|the main hospital] in {city} and "
        "{city2}, "
        "where {critical} [remained|were said to be] in critical condition.",
        "[No group|Nobody] [immediately claimed|has yet claimed] responsibility [for the attack|], "
        "[but|though] "
        "{group} [has carried out|has been blamed for] [similar|several] attacks [in the area|in {province} "
        "province] [this year|in recent months].",
    ],
    "meeting": [
        "The [meeting|talks] lasted [about|nearly|more than] {hours} hours and [ended|concluded] without a "
        "[joint statement|final agreement|public announcement].",
        "[Both sides|The two sides] agreed to meet again [in {city2}|next month|within {days} days], "
        "[a participant said|according to one participant|a source close to the talks said].",
        "[The delegation|The group's delegation] was [led|headed] by {person2}, [a senior figure|a veteran "
        "commander|a spokesman] of {group}.",
    ],
    "protest": [
        "[Organisers said|Organisers claimed|According to organisers,] [about|some|more than] {people} "
        "people "
        "[took part|joined the march], [while|but] police [put|estimated] the [number|crowd] at {crowd_low}.",
        '[Protesters|Demonstrators] [carried|waved] [banners|placards|flags] [reading|that read] "{slogan}" '
        "[and chanted against|and denounced] [the government|{title} {person}].",
        "[Shops|Schools|Government offices] [stayed closed|were shut] in [several districts of|central] "
        "{city} "
        "[for a second day|on {weekday}|during the protest].",
    ],
    "opening": [
        "The office [is located|sits] [near|next to|opposite] {facility} and [will be run|is headed] by "
        "{person2}, [a former|a long-time] [official|member] of {group}.",
        "{party} [said|warned] the [opening|move] [would|could] [undermine|damage] [relations with|ties "
        "with] "
        "{country}, [in a statement|in a post on its website].",
        "[Diplomats|Analysts|Observers] said the [opening|office] [signals|reflects] [closer ties|a "
        "deepening "
        "relationship] between {group} and [the government|authorities] in {city}.",
    ],
    "arrest": [
        "[Weapons|Explosives|Cash and documents] [were seized|were found|were recovered] [during the "
        "raids|in "
        "the operation], [including|among them] {vehicles} [rifles|detonators|phones].",
        "[The suspects|The detainees] [were|are being] [questioned|interrogated] [at|by] [the|a] [counter-"
        "terrorism directorate|intelligence service] in {city2}.",
        "[Relatives|Families] of [the men|some of those detained] [said|told reporters] they had [not been "
        "told|"
        "received no word] [where they were held|of the charges].",
    ],
    "flood": [
        "[Rescue teams|Civil defence crews] [used boats|worked through the night] to [reach|evacuate] "
        "[families|residents] [trapped|stranded] [on rooftops|in their homes] in [villages around|] {city}.",
        "[The floods|The waters] [destroyed|damaged] [about|some|more than] {houses} [homes|houses] and "
        "[washed away|cut] [roads|a bridge] [linking|between] {city} and {city2}.",
        "[Forecasters|The meteorological office] [warned|said] [more rain|heavy rain] [was expected|could "
        "fall] "
        "[over the coming days|through {weekday2}].",
    ],
    "agreement": [
        "[Under the deal|Under the agreement|The agreement says], [work|construction] [will begin|is due to "
        "start] [within|in] {months} months and [last|take] [about|around] {years} years.",
        "[The deal|The agreement] [also covers|includes] [training for|the hiring of] {count} [engineers|"
        "workers|technicians] from {country2}.",
        "[Critics|Opposition lawmakers] [said|argued] the [terms|price] [favoured|were too generous to] "
        "{country2} [and called for|and demanded] [a parliamentary review|more transparency].",
    ],
}

QUOTES = [
    "We will not allow {group} to [threaten|endanger|undermine] the security of {city}",
    "[The situation|The situation in {city}] is under control and [life|traffic] [will|should] return to "
    "normal "
    "[soon|within days]",
    "Those responsible will be [held accountable|brought to justice], [whoever|wherever] they are",
    "This is a [first step|small step|necessary step] [towards|toward] [stability|a lasting solution] in {province}",
    "[Our|The] [forces|teams] are [doing everything|working around the clock] to [protect|help] the people of {city}",
    "We [call on|urge] all parties to [exercise restraint|show restraint] and [return to dialogue|avoid escalation]",
    "The [government|ministry] [has no objection to|will review] [any|the] [proposal|request] [that serves|"
    "that respects] the [interests|sovereignty] of {country}",
]

# Who says the event's two quotes: the official ({quote}) and a spokesman of the group ({quote2}).
OFFICIAL_QUOTES = [
    '"{quote}," {title} {person} said [in a statement|in a televised address|at a news conference|on {weekday}].',
    '"{quote}," {person} [told reporters|told {outlet}|said] [in {city}|after the meeting|on {weekday}].',
    '{title} {person} said [in a statement|on {weekday}|late on {weekday}] that "{quote_lower}."',
    '[Speaking|Speaking to reporters] [in {city}|on {weekday}], {title} {person} said: "{quote}."',
]
GROUP_QUOTES = [
    '"{quote2}," [said|added] {person2}, [a spokesman for|an official with|a senior member of] {group}.',
    '{person2}, [a spokesman for|an official with] {group}, [said|told {outlet}] that "{quote2_lower}."',
    '[In a statement|In a video posted online], {group} said: "{quote2}."',
]

# Event-free sentences: the common-phrase background that real false positives are made of.
BACKGROUND = [
    "[The|This] [incident|development] [is the latest in a series of|comes amid a wave of|follows a string "
    "of] "
    "[attacks|incidents|tensions] [in|across] {any_province} province [in recent weeks|this year|since "
    "{any_month}].",
    "[Officials|Authorities] did not [immediately|] respond to [a request for comment|requests for comment] "
    "[on {weekday}|from {outlet}|].",
    "It was not immediately clear [who was behind|what prompted|how many people were involved in] the "
    "[incident|attack|decision|clashes].",
    "{any_group} [has denied|has repeatedly denied|denies] [any role in|involvement in] [previous|earlier] "
    "[attacks|incidents] in the [area|region].",
    "[The region|The province|The area around {any_city}] has [seen|witnessed] [a rise in|repeated|sporadic] "
    "[violence|clashes|unrest] since [the elections in {any_month}|the collapse of a truce in "
    "{any_month}|last "
    "year].",
    "[According to|Citing] [the United Nations|aid agencies|a local rights group], [more than|about|nearly] "
    "{any_num} people have been [displaced|killed|detained] in {any_province} [since {any_month}|this year].",
    "[The|A] [ministry|government] [spokesman|spokeswoman] {any_person} said [in a statement|on {weekday}] "
    "that [an investigation|an inquiry] had been [opened|launched|ordered].",
    "{any_party} [called for|demanded] [an emergency session of parliament|an independent inquiry|the "
    "resignation of the {any_ministry} minister] [on {weekday}|in a statement].",
    "[Residents|Witnesses|People in {city}] [said|told {outlet}] they [heard|had heard] [several|two loud|"
    "repeated] [explosions|blasts|bursts of gunfire] [before dawn|in the afternoon|late at night].",
    "[Security|Checkpoints|Patrols] [was|were] [stepped up|tightened|reinforced] [around|across] "
    "[government buildings|the city|the province] [after the incident|on {weekday}|overnight].",
    "[The|A] [{any_ministry} Ministry|governor's office] [said|announced] it would [pay compensation to|"
    "provide assistance to|send a team to] [the families|those affected|the area] [in the coming days|soon].",
    "[Tensions|Relations] between {country} and {any_country} have been [strained|tense|fragile] [since "
    "{any_month}|for months|over the past year], [analysts say|diplomats say].",
    "[In {any_month}|Earlier this year|Last year], [a similar|a deadly|a smaller] [attack|incident] in "
    "{any_city} [killed|left] {any_num} people [dead|], [according to|said] [officials|the authorities].",
    "[The|A] [United Nations|UN] [envoy|representative] [for|to] {country}, {any_person}, [urged|called on] "
    "[all sides|the parties] to [protect civilians|respect a ceasefire|keep talking].",
    "[Prices|Fuel prices|Food prices] in {any_city} [have risen|rose|climbed] [sharply|by about {any_pct} "
    "percent] [since|after] [the|] [border closure|fighting|floods] in {any_month}.",
    "{any_person}, [an analyst at|a researcher with] [the|] [Institute for Regional Studies|Centre for "
    "Security Policy|University of {any_city}], said the [events|incident] [showed|reflected] [a|the] "
    "[weakness|fragility|limits] of [state institutions|the security services|the truce].",
    "[The|] [{any_ministry} Ministry|Government] [is expected to|will] [brief|report to] "
    "[parliament|lawmakers] "
    "[on the matter|on the incident] [next week|on {weekday2}].",
    "[Local media|State television|A local news website] [reported|said] [that|] [roads|several roads] "
    "[into|around] {city} [were closed|had been closed|were blocked] [for several hours|until the evening].",
    "[Parliament|Lawmakers] [last month|in {any_month}] [passed|approved|rejected] a [bill|law|motion] "
    "[on|to] [regulate armed groups|reform the security services|fund reconstruction] in {any_province}.",
    "{country}'s [president|prime minister], {any_person}, [has promised|has vowed|pledged] to [restore|"
    "bring] [order|stability] [to|in] {any_province} [before the end of the year|by {any_month}].",
    "[Under|According to] a [deal|truce|agreement] [reached|signed|agreed] in {any_month}, [armed groups|"
    "militias|fighters] [were to|were supposed to] [withdraw from|leave] [the|] [city centre|border areas].",
    "[Aid workers|Doctors|Hospital staff] [in {any_city}|in the province] [say|said] [they lack|they are "
    "short "
    "of] [medicine|fuel|blood supplies] [and equipment|and staff|].",
    "[Schools|Universities|Courts] in {any_city} [reopened|resumed work|stayed shut] on {weekday2} [after|"
    "following] [a week-long closure|the holiday|days of disruption].",
    "[Electricity|Power] [cuts|outages] of up to {any_pct} hours a day have [fuelled anger|angered residents|"
    "hit businesses] in {any_city} [this summer|for months].",
    "{any_person}, a [lawmaker|member of parliament] from {any_province}, [accused|blamed] [the government|"
    "security officials] of [failing to act|ignoring warnings] [for months|despite repeated warnings].",
    "[Turnout|Participation] in the [local|provincial] elections in {any_month} was [about|just] {any_pct} "
    "percent, [the electoral commission said|according to the electoral commission].",
    "[Smugglers|Traders] [move|carry] [fuel|cigarettes|livestock] [across|over] the border [near|at] "
    "{any_city} [almost daily|at night], [officials|residents] say.",
    "[The|A] [court|tribunal] in {any_city} [sentenced|convicted] {any_num} [people|defendants] [in|over] "
    "[a corruption case|a kidnapping case|the theft of public funds] [last week|in {any_month}].",
    "[Farmers|Herders] in {any_province} [have complained|say] that [the drought|water shortages|low prices] "
    "[have|has] [ruined|cut] [their harvests|their income] [by half|this season].",
    "{any_group} [emerged|was formed] [in|around] {any_city} [during the war|after the uprising|a decade "
    "ago] "
    "and [controls|runs] [several checkpoints|a stretch of the highway] [south of|near] the city.",
    "[A|The] [ceasefire|truce] [brokered|mediated] by {any_country} [has largely held|collapsed|was "
    "extended] "
    "[since|in] {any_month}[, diplomats said|].",
    "[Roughly|About|Some] {any_num} [families|people] [still live|remain] in [camps|temporary shelters] "
    "[outside|around] {any_city}, [according to|said] [the Relief Commission|aid groups].",
    "The [{any_ministry} Ministry|cabinet] [approved|allocated] ${any_pct} million [for|to] [rebuilding|"
    "repairing] [schools|hospitals|water networks] in {any_province} [in {any_month}|last year].",
    "[Journalists|Reporters] [have been barred|were blocked] from [entering|reaching] [parts of|the centre "
    "of] {any_city} [since {any_month}|for weeks], [press groups say|a media watchdog said].",
    "[Opposition|Rival] [politicians|parties] [have called|are calling] for [early elections|a new "
    "government|a vote of no confidence] [before {any_month}|this year].",
    "{any_person}, [who|a former minister who] [leads|heads] {any_party}, [is seen as|is widely seen as] "
    "[a likely candidate|the front-runner] [for|in] the [next|coming] [elections|vote].",
    "[The|A] [highway|road] [linking|between] {any_city} and {any_city} [was|has been] [reopened|closed] "
    "[to traffic|to trucks] [on {weekday2}|after repairs|for security reasons].",
    "[Unemployment|Youth unemployment] in {any_province} [stands at|is estimated at] [about|more than] "
    "{any_pct} percent, [according to|based on] [official figures|a recent survey].",
    "[Drones|Surveillance aircraft] [have been|were] [seen|spotted|heard] over {any_city} [several times|"
    "repeatedly] [this month|since {any_month}], [residents said|according to residents].",
    "{any_country} [recalled|summoned] its [ambassador|envoy] [in|to] {country} [in {any_month}|last year] "
    "[over|after] [a border dispute|comments by officials|the detention of its citizens].",
    "The [army|police] [has|have] [set up|opened] {any_pct} new [checkpoints|posts] [on|along] [roads into|"
    "the edges of] {any_city} [since the start of the year|in recent weeks].",
    "[A|The] [report|survey] by [the Centre for Security Policy|a local rights group] [published|released] "
    "in "
    "{any_month} [found|said] that [most|many] [residents|young people] [distrust|do not trust] [the police|"
    "political parties].",
]

REACTIONS = [
    "{party} [condemned|denounced|criticised] the [attack|decision|move|events] [as|calling it] [a "
    "provocation|unacceptable|a dangerous escalation].",
    "[The|] [embassy of|ambassador of] {country2} [expressed concern|said it was concerned|voiced concern] "
    "[over|about] the [situation|events] in {city}.",
    "[In a statement|In a post on social media|On {weekday}], {group} [said|insisted] it [had no "
    "link to|was not involved in|welcomed] the [events|incident|decision].",
    "[The|] [European Union|African Union|Arab League|UN Secretary-General] [called for|urged] [calm|an "
    "investigation|restraint] [in a statement|on {weekday}].",
    "[Residents of|People in] {city} [said|told {outlet}] they [feared|worried about] [more violence|further "
    "attacks|reprisals] [in the coming days|].",
]

CLOSINGS = [
    "[The|An] investigation [is continuing|is under way|has been opened].",
    "{outlet} could not independently verify the [figures|reports|claims].",
    "[More details|Further details] [are expected|will follow] [later on {weekday}|in the coming hours].",
    "[The|] [{ministry} Ministry|government] said it would [publish|release] [a full report|its findings] "
    "[within|in] {days} days.",
]

SLOGANS = ("Enough is enough", "Bread, water, dignity", "No to the militias", "Our city, our future")

HEADER_TEMPLATES = [
    "{outlet} | {section} | {weekday}\nBy {author}, {outlet} correspondent",
    "Home > {section} > {country}\n{outlet} staff\nShare this article",
    "{outlet}\nPublished {weekday} | Updated {weekday}\nListen to this article",
    "{section} {outlet}\nReporting by {author}; editing by {author2}",
]
FOOTER_TEMPLATES = [
    "© {year} {outlet}. All rights reserved. Reproduction without permission is prohibited.",
    "Follow {outlet} on social media for the latest updates. Subscribe to our daily newsletter.",
    "Read more: {headline}\nRelated: {headline2}",
    "This story has been updated. Send tips to the {outlet} newsroom.",
    "{outlet} is an independent news service. Our journalism is supported by our readers.",
]

# Synonyms and function-word swaps used by the rewriters; grammar may suffer, the word change is what counts.
SYNONYM_GROUPS = _vocab(
    "said stated declared noted added|killed slain|wounded injured hurt|attack assault raid|"
    "attacks assaults raids|officials authorities|people persons individuals|city town|"
    "statement communique|protesters demonstrators|announced declared revealed|government administration|"
    "ministry department|spokesman spokesperson|residents locals inhabitants|incident episode|"
    "talks negotiations discussions|meeting gathering session|agreement deal accord pact|"
    "arrested detained seized|forces troops units|security safety|district quarter neighbourhood|"
    "region area zone|several many various|about around roughly nearly|more further additional|"
    "recent latest|called urged|immediately promptly|hospital clinic|destroyed wrecked demolished|"
    "damaged harmed|reported claimed|expected anticipated|concern worry|told informed|warned cautioned|"
    "local regional|office bureau|opened launched|group faction|members affiliates|violence bloodshed|"
    "week days|responsibility blame|investigation inquiry probe|witnesses onlookers|explosions blasts|"
    "roads streets|families households|homes houses|the this that|a one|of from|in within inside|on upon|"
    "and plus|to towards|was had been|were had been|has had|have had|by through|for over|with alongside|"
    "at near|that which|after following|since from|according reportedly|their its|it this|they these|"
    "would could might|will would shall|not never|said confirmed"
)
INSERTABLE = ("also", "reportedly", "further", "now", "then", "still", "apparently", "officially")

SYNONYMS: dict[str, list[str]] = {}
for _group in SYNONYM_GROUPS:
    _words = _group.split()
    for _word in _words:
        SYNONYMS.setdefault(_word, []).extend(w for w in _words if w != _word)

# ----------------------------------------------------------------------------------------------------
# Events and articles.

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"  +")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _title(rng: random.Random, ministry: str, province: str) -> str:
    return rng.choice(
        [
            f"{ministry} Minister",
            f"{province} Governor",
            "Prime Minister",
            "army spokesman",
            "police chief",
            f"Deputy {ministry} Minister",
            "provincial council head",
        ]
    )


@dataclass(slots=True)
class Event:
    """The facts an article is written from: two independent reports of one event share all of them."""

    kind: str
    facts: dict[str, str]


def make_event(rng: random.Random, cast: dict[str, list[str]]) -> Event:
    """An event drawn from a shared cast, so unrelated events still name the same ministers and cities."""
    kind = rng.choice(sorted(LEDES))
    ministry = rng.choice(MINISTRIES)
    province = rng.choice(PROVINCES)
    city, city2 = rng.sample(CITIES, 2)
    country, country2 = rng.sample(COUNTRIES, 2)
    killed = rng.randint(2, 60)
    facts = {
        "city": city,
        "city2": city2,
        "province": province,
        "country": country,
        "country2": country2,
        "compass": rng.choice(COMPASS),
        "weekday": rng.choice(WEEKDAYS),
        "weekday2": rng.choice(WEEKDAYS),
        "ministry": ministry,
        "title": _title(rng, ministry, province),
        "person": rng.choice(cast["people"]),
        "person2": rng.choice(cast["people"]),
        "group": rng.choice(GROUPS),
        "party": rng.choice(PARTIES),
        "facility": rng.choice(FACILITIES),
        "killed": str(killed),
        "wounded": str(rng.randint(killed, 4 * killed + 10)),
        "critical": str(rng.randint(2, 9)),
        "count": str(rng.randint(3, 40)),
        "people": str(rng.randrange(200, 20000, 50)),
        "crowd_low": str(rng.randrange(100, 2000, 50)),
        "houses": str(rng.randrange(40, 3000, 10)),
        "vehicles": str(rng.randint(3, 30)),
        "amount": str(rng.randrange(20, 900, 5)),
        "months": str(rng.randint(2, 18)),
        "years": str(rng.randint(2, 6)),
        "days": str(rng.randint(3, 30)),
        "hours": str(rng.randint(2, 9)),
        "hour": str(rng.randint(1, 11)),
        "slogan": rng.choice(SLOGANS),
        "dead_detail": rng.choice(
            [
                f"{rng.randint(2, 9)} members of the security forces",
                f"two children and a {rng.choice(['teacher', 'doctor', 'shopkeeper'])}",
                f"a local commander of {rng.choice(GROUPS)}",
            ]
        ),
    }
    for slot, template in zip(("quote", "quote2"), rng.sample(QUOTES, 2), strict=True):
        quote = _expand(template, facts, rng)
        facts[slot] = quote
        facts[f"{slot}_lower"] = quote[0].lower() + quote[1:]
    return Event(kind=kind, facts=facts)


def _any(name: str, rng: random.Random, cast: dict[str, list[str]]) -> str:
    """A fresh draw for an ``{any_*}`` slot."""
    match name:
        case "any_person":
            return rng.choice(cast["people"])
        case "any_city":
            return rng.choice(CITIES)
        case "any_province":
            return rng.choice(PROVINCES)
        case "any_country":
            return rng.choice(COUNTRIES)
        case "any_group":
            return rng.choice(GROUPS)
        case "any_party":
            return rng.choice(PARTIES)
        case "any_ministry":
            return rng.choice(MINISTRIES)
        case "any_month":
            return rng.choice(MONTHS)
        case "any_num":
            return str(rng.randrange(20, 5000, 10))
        case "any_pct":
            return str(rng.randint(5, 60))
    raise KeyError(name)


def _expand(template: str, facts: dict[str, str], rng: random.Random, cast: dict[str, list[str]] | None = None) -> str:
    """Resolve ``[a|b]`` choices innermost first, then fill ``{slot}``s; tidy spaces left by empty choices."""
    text = template
    while True:
        new = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if new == text:
            break
        text = new

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in facts:
            return facts[name]
        if cast is None:
            raise KeyError(name)
        return _any(name, rng, cast)

    text = _SLOT.sub(fill, text)
    text = _SPACES.sub(" ", text).replace(" ,", ",").replace(" .", ".").replace("[", "").replace("]", "")
    text = text.strip()
    return text[0].upper() + text[1:]


@dataclass(slots=True)
class Article:
    """One generated document with its label: the origin it derives from and how."""

    doc_id: str
    origin: str  # doc_id of the original this text derives from (itself for an original or same-event report)
    event: int
    kind: str  # "original", one of DERIVED_KINDS, or SAME_EVENT
    text: str
    changed: float = 0.0  # share of the original's words a rewriter changed (for the report)


@dataclass(slots=True)
class Body:
    """An article before boilerplate: a headline and paragraphs of sentences."""

    headline: str
    paragraphs: list[list[str]]

    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


def _headline(event: Event, rng: random.Random) -> str:
    f = event.facts
    options = {
        "attack": f"{f['killed']} killed in [attack|assault] on {f['facility']} in {f['city']}",
        "meeting": f"{f['person']} [meets|holds talks with] {f['group']} in {f['city']}",
        "protest": f"[Thousands|Crowds] [protest|rally] in {f['city']} [against|over] [government|services]",
        "opening": f"{f['group']} [opens office|sets up bureau] in {f['city']}",
        "arrest": f"{f['count']} [arrested|detained] in {f['city']} [raids|sweep]",
        "flood": f"Floods kill {f['killed']} in {f['province']} [province|]",
        "agreement": f"{f['country']}, {f['country2']} sign ${f['amount']}m [deal|agreement]",
    }
    return _expand(options[event.kind], f, rng)


def write_article(event: Event, rng: random.Random, cast: dict[str, list[str]], outlet: str) -> Body:
    """One report of the event, 200-800 words: lede, details, quotes, reactions, background, closing."""
    facts = dict(event.facts, outlet=outlet)
    target = rng.randint(200, 800)

    def say(template: str) -> str:
        return _expand(template, facts, rng, cast)

    lede = say(rng.choice(LEDES[event.kind]))
    details = [say(t) for t in rng.sample(DETAILS[event.kind], k=len(DETAILS[event.kind]))]
    pool = [say(rng.choice(OFFICIAL_QUOTES))]
    pool += details[: rng.randint(1, len(details))]
    pool += [say(t) for t in rng.sample(REACTIONS, k=rng.randint(1, 3))]
    background = rng.sample(BACKGROUND, k=len(BACKGROUND))
    sentences = [lede]
    words = len(lede.split())
    rest = pool[:]
    rng.shuffle(rest)
    rest += [say(rng.choice(GROUP_QUOTES))]
    while words < target:
        if rest:
            sentence = rest.pop(0)
        elif background:
            sentence = say(background.pop())
        else:
            break
        sentences.append(sentence)
        words += len(sentence.split())
    if rng.random() < 0.6:
        sentences.append(say(rng.choice(CLOSINGS)))
    # Paragraphs of one to three sentences, the wire style.
    paragraphs: list[list[str]] = []
    i = 0
    while i < len(sentences):
        size = 1 if i == 0 else rng.choice((1, 2, 2, 3))
        paragraphs.append(sentences[i : i + size])
        i += size
    return Body(headline=_headline(event, rng), paragraphs=paragraphs)


def dress(body: Body, outlet: str, event: Event, rng: random.Random, cast: dict[str, list[str]]) -> str:
    """The body with one outlet's header and footer, the boilerplate a cleaner may leave behind."""
    values = dict(
        event.facts,
        outlet=outlet,
        section=rng.choice(SECTIONS),
        author=rng.choice(cast["people"]),
        author2=rng.choice(cast["people"]),
        year=str(rng.randint(2019, 2025)),
        headline=_headline(make_event(rng, cast), rng),
        headline2=_headline(make_event(rng, cast), rng),
    )
    header = _expand(rng.choice(HEADER_TEMPLATES), values, rng) if rng.random() < 0.8 else ""
    footers = [_expand(t, values, rng) for t in rng.sample(FOOTER_TEMPLATES, k=rng.randint(0, 3))]
    city = event.facts["city"].upper()
    dateline = rng.choice([f"{city} ({outlet}) — ", f"{city}, {event.facts['weekday']} — ", f"{city}: ", ""])
    paragraphs = [" ".join(p) for p in body.paragraphs]
    paragraphs[0] = dateline + paragraphs[0]
    parts = [header, body.headline, *paragraphs, *footers]
    return "\n\n".join(p for p in parts if p)


# ----------------------------------------------------------------------------------------------------
# Rewriters: what copying outlets do to a text.


def _swap_word(token: str, rng: random.Random) -> str | None:
    """A synonym for the token keeping its punctuation and capital, or None when it has none."""
    m = re.fullmatch(r"([\"'“(]*)([\w'-]+)([\"'”),.:;]*)", token)
    if m is None:
        return None
    lead, core, tail = m.groups()
    options = SYNONYMS.get(core.lower())
    if not options:
        return None
    new = rng.choice(options)
    if core[0].isupper():
        new = new[0].upper() + new[1:]
    return lead + new + tail


def reword(sentence: str, rate: float, rng: random.Random) -> tuple[str, int, int]:
    """Change about ``rate`` of the words in runs of one to three (how editors rephrase), return the counts.

    A word is swapped for a synonym when it has one; otherwise a small function word is dropped, or an adverb
    inserted before it. Names and numbers are never touched, so facts stay the same.
    """
    tokens = sentence.split(" ")
    n = len(tokens)
    target = round(rate * n)
    changed: set[int] = set()
    out: list[str | None] = list(tokens)
    inserts: dict[int, str] = {}
    tries = 0
    while len(changed) < target and tries < 20 * n:
        tries += 1
        start = rng.randrange(n)
        run = rng.choice((1, 1, 2, 2, 3))
        for i in range(start, min(n, start + run)):
            if i in changed or len(changed) >= target:
                continue
            swapped = _swap_word(tokens[i], rng)
            if swapped is not None:
                out[i] = swapped
                changed.add(i)
            elif tokens[i].islower() and tokens[i].isalpha() and len(tokens[i]) <= 4 and rng.random() < 0.3:
                out[i] = None  # drop a short function word: "the", "and", "has"
                changed.add(i)
            elif tokens[i].islower() and tokens[i].isalpha() and rng.random() < 0.15:
                inserts[i] = rng.choice(INSERTABLE)
                changed.add(i)
    words = [w for i, t in enumerate(out) for w in ((inserts[i], t) if i in inserts else (t,)) if w is not None]
    return " ".join(words), len(changed), n


def _reword_all(sentences: list[str], rate: float, rng: random.Random) -> tuple[list[str], float]:
    total = changed = 0
    out = []
    for s in sentences:
        new, c, n = reword(s, rate, rng)
        out.append(new)
        changed += c
        total += n
    return out, changed / max(total, 1)


def _reflow(sentences: list[str], rng: random.Random) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    i = 0
    while i < len(sentences):
        size = 1 if i == 0 else rng.choice((1, 2, 3))
        paragraphs.append(sentences[i : i + size])
        i += size
    return paragraphs


def _typography(text: str, rng: random.Random) -> str:
    """Straight quotes to curly, or dashes changed: what another CMS does to the same words."""
    if rng.random() < 0.5:
        text = re.sub(r"\"(\w)", r"“\1", text).replace('"', "”")
    if rng.random() < 0.5:
        text = text.replace(" — ", " - ")
    return text


def derive(
    kind: str, body: Body, event: Event, rng: random.Random, cast: dict[str, list[str]], outlet: str
) -> tuple[Body, float]:
    """A copy of ``body`` of the given kind, and the share of words changed."""
    sentences = body.sentences()
    facts = dict(event.facts, outlet=outlet)
    if kind == "copy":
        return Body(body.headline, [p[:] for p in body.paragraphs]), 0.0
    if kind == "near_verbatim":
        # A few words changed across the text: a corrected figure's wording, a synonym, a dropped "the".
        out = sentences[:]
        edits = rng.randint(1, 5)
        edited = 0
        for _ in range(edits):
            i = rng.randrange(len(out))
            new, c, _n = reword(out[i], 1.0 / max(len(out[i].split()), 1), rng)
            out[i] = new
            edited += c
        headline = body.headline if rng.random() < 0.5 else _headline(event, rng)
        return Body(headline, _reflow(out, rng)), edited / max(sum(len(s.split()) for s in sentences), 1)
    if kind == "light_rewrite":
        lede, rest = sentences[0], sentences[1:]
        # Sentences reordered: a few moved, not shuffled wholesale.
        for _ in range(rng.randint(2, 4)):
            if len(rest) > 1:
                i, j = rng.randrange(len(rest)), rng.randrange(len(rest))
                rest.insert(j, rest.pop(i))
        if len(rest) > 2:
            rest.pop(rng.randrange(len(rest)))
        if rng.random() < 0.6:
            rest.insert(rng.randrange(len(rest) + 1), _expand(rng.choice(BACKGROUND), facts, rng, cast))
        credit = rng.choice([o for o in OUTLETS if o != outlet])
        lede = lede.rstrip(".") + rng.choice([f", {credit} reported.", f", according to {credit}."])
        out, changed = _reword_all([lede, *rest], rng.uniform(0.10, 0.20), rng)
        return Body(_headline(event, rng), _reflow(out, rng)), changed
    if kind in ("truncated", "lede_only"):
        low, high = (0.4, 0.6) if kind == "truncated" else (0.15, 0.3)
        cut = max(2, round(len(sentences) * rng.uniform(low, high)))
        return Body(body.headline, _reflow(sentences[:cut], rng)), 0.0
    if kind == "heavy_rewrite":
        lede, rest = sentences[0], sentences[1:]
        rng.shuffle(rest)
        rest = rest[: max(1, round(len(rest) * rng.uniform(0.6, 0.9)))]
        out, changed = _reword_all([lede, *rest], 0.5, rng)
        return Body(_headline(event, rng), _reflow(out, rng)), changed
    raise ValueError(kind)


def generate(seed: int, originals: int) -> list[Article]:
    """``originals`` stories, each with one derived copy of every kind and one independent same-event report.

    Returned in a shuffled arrival order (copies can arrive before their original, as in real piles).
    """
    rng = random.Random(seed)
    cast = {"people": [_person(rng) for _ in range(150)]}  # a story's recurring names
    articles: list[Article] = []
    for e in range(originals):
        event = make_event(rng, cast)
        outlet, other = rng.sample(OUTLETS, 2)
        body = write_article(event, rng, cast, outlet)
        oid = f"e{e:05d}-original"
        articles.append(Article(oid, oid, e, "original", _typography(dress(body, outlet, event, rng, cast), rng)))
        for kind in DERIVED_KINDS:
            copier = rng.choice([o for o in OUTLETS if o != outlet])
            derived, changed = derive(kind, body, event, rng, cast, copier)
            text = dress(derived, copier, event, rng, cast)
            if kind != "copy":
                text = _typography(text, rng)
            articles.append(Article(f"e{e:05d}-{kind}", oid, e, kind, text, changed))
        # An independent report of the same event by another outlet: same facts and quote, its own words.
        sid = f"e{e:05d}-{SAME_EVENT}"
        independent = write_article(event, rng, cast, other)
        articles.append(Article(sid, sid, e, SAME_EVENT, _typography(dress(independent, other, event, rng, cast), rng)))
    rng.shuffle(articles)
    return articles


# ----------------------------------------------------------------------------------------------------
# Evaluation.


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Result:
    docs: int
    predicted: int
    correct: int
    hard_negative_links: int
    unrelated_links: int
    recall_by_kind: dict[str, float]
    recall_required: float
    precision: float
    f1: float
    candidates_per_doc: float
    changed_by_kind: dict[str, float]
    seconds: float
    wrong_examples: list[dict[str, Any]] = field(default_factory=list)


def evaluate(articles: list[Article]) -> Result:
    """Index every article in arrival order and score the links against the origins."""
    by_id = {a.doc_id: a for a in articles}
    index = dedup.NearDuplicateIndex()
    predicted: dict[tuple[str, str], dedup.Similarity] = {}
    start = time.perf_counter()
    for a in articles:
        for m in index.add(a.doc_id, a.text):
            predicted[_pair(m.doc_id, m.other_id)] = m.similarity
    seconds = time.perf_counter() - start
    correct = hard = unrelated = 0
    wrong: list[dict[str, Any]] = []
    for (x, y), sim in predicted.items():
        ax, ay = by_id[x], by_id[y]
        if ax.origin == ay.origin:
            correct += 1
            continue
        if ax.event == ay.event:
            hard += 1
        else:
            unrelated += 1
        wrong.append({"pair": [x, y], "containment": sim.containment, "jaccard": sim.jaccard, "shared": sim.shared})
    recall: dict[str, float] = {}
    found_required = total_required = 0
    for kind in DERIVED_KINDS:
        gold = [(a.origin, a.doc_id) for a in articles if a.kind == kind]
        found = sum(_pair(*g) in predicted for g in gold)
        recall[kind] = found / len(gold) if gold else float("nan")
        if kind in REQUIRED_KINDS:
            found_required += found
            total_required += len(gold)
    precision = correct / len(predicted) if predicted else 1.0
    r = found_required / total_required if total_required else float("nan")
    changed: dict[str, list[float]] = defaultdict(list)
    for a in articles:
        if a.kind in DERIVED_KINDS:
            changed[a.kind].append(a.changed)
    return Result(
        docs=len(articles),
        predicted=len(predicted),
        correct=correct,
        hard_negative_links=hard,
        unrelated_links=unrelated,
        recall_by_kind=recall,
        recall_required=r,
        precision=precision,
        f1=2 * precision * r / (precision + r) if precision + r else 0.0,
        candidates_per_doc=index.candidates_checked / len(articles),
        changed_by_kind={k: float(np.mean(v)) for k, v in changed.items()},
        seconds=seconds,
        wrong_examples=sorted(wrong, key=lambda w: -w["containment"])[:5],
    )


def _throughput_child(args: tuple[int, int]) -> dict[str, float]:
    """Index ``docs`` documents of a corpus generated from another seed (seed + 1000), in a fresh process so
    that its peak memory is the index's and not the labelled run's."""
    seed, docs = args
    originals = -(-docs // (len(DERIVED_KINDS) + 2))
    articles = generate(seed + 1000, originals)[:docs]
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = dedup.NearDuplicateIndex()
    start = time.perf_counter()
    links = 0
    for a in articles:
        links += len(index.add(a.doc_id, a.text))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "docs": len(articles),
        "seconds": seconds,
        "docs_per_second": len(articles) / seconds,
        "peak_mb": peak_kb / 1024,
        "before_index_mb": base_kb / 1024,
        "links": links,
        "candidates_per_doc": index.candidates_checked / len(articles),
    }


def throughput(seed: int, sizes: Sequence[int]) -> list[dict[str, float]]:
    ctx = multiprocessing.get_context("spawn")
    out = []
    for size in sizes:
        with ctx.Pool(1) as pool:
            out.append(pool.apply(_throughput_child, ((seed, size),)))
    return out


# ----------------------------------------------------------------------------------------------------
# The DEV sweep: exact similarity of every pair for several k; the best threshold per score; the LSH S-curves.

LSH_CONFIGS = ((64, 2), (96, 2), (128, 2), (42, 3), (64, 3), (85, 3), (32, 4), (64, 4))  # (bands, rows)
J_GRID = np.round(np.arange(0.06, 0.41, 0.01), 2)  # thresholds scanned on Jaccard …
C_GRID = np.round(np.arange(0.20, 1.001, 0.05), 2)  # … and on containment


def _all_pairs(sets: list[np.ndarray]) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """For each document i, the documents j < i sharing a shingle with it and how many they share (exact).

    An inverted index (shingle → documents) in numpy, so all ~n²/2 pairs are covered without LSH.
    """
    sizes = np.array([s.size for s in sets])
    owner = np.repeat(np.arange(len(sets)), sizes)
    flat = np.concatenate(sets)
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    keys, starts, counts = np.unique(flat, return_index=True, return_counts=True)
    for i, s in enumerate(sets):
        g = np.searchsorted(keys, s)
        g = g[counts[g] > 1]
        lengths = counts[g]
        # All ranges [starts[g], starts[g] + counts[g]) concatenated, without a Python loop.
        offsets = np.repeat(starts[g] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        docs = owner[offsets + np.arange(lengths.sum())]
        shared = np.bincount(docs[docs < i], minlength=i)[:i]
        j = np.nonzero(shared)[0]
        yield i, j, shared[j]


def s_curve(j: np.ndarray | float, bands: int, rows: int) -> np.ndarray | float:
    """Probability that a pair with Jaccard ``j`` shares at least one of ``bands`` bands of ``rows`` rows."""
    return 1 - (1 - np.asarray(j) ** rows) ** bands


@dataclass(slots=True)
class PairTable:
    """Every pair worth scoring at one k, as columns; gold pairs carry the kind of the derived copy."""

    jaccard: np.ndarray
    containment: np.ndarray
    shared: np.ndarray
    label: np.ndarray  # index into LABELS
    gold_kind: np.ndarray  # index into DERIVED_KINDS for (original, derived) pairs, -1 otherwise
    expected_candidates: dict[tuple[int, int], float]  # per LSH config: Σ P(candidate) over all pairs


LABELS = ("same_origin", SAME_EVENT, "unrelated")


def pair_table(articles: list[Article], k: int) -> PairTable:
    """Exact similarities at shingle size k; pairs below every threshold scanned are dropped unless gold."""
    sets = [dedup.shingles(a.text, k) for a in articles]
    sizes = np.array([s.size for s in sets])
    origin_ids = {o: n for n, o in enumerate(sorted({a.origin for a in articles}))}
    origin = np.array([origin_ids[a.origin] for a in articles])
    event = np.array([a.event for a in articles])
    kind = np.array([DERIVED_KINDS.index(a.kind) if a.kind in DERIVED_KINDS else -1 for a in articles])
    original = np.array([a.kind == "original" for a in articles])
    cols: dict[str, list[np.ndarray]] = defaultdict(list)
    expected = dict.fromkeys(LSH_CONFIGS, 0.0)
    for i, j, shared in _all_pairs(sets):
        if j.size == 0:
            continue
        jac = shared / (sizes[i] + sizes[j] - shared)
        cont = shared / np.minimum(sizes[i], sizes[j])
        for b, r in LSH_CONFIGS:
            expected[(b, r)] += float(np.sum(s_curve(jac, b, r)))
        same = origin[j] == origin[i]
        gold = np.where(same & original[i], kind[j], np.where(same & original[j], kind[i], -1))
        keep = (jac >= J_GRID[0]) | (cont >= C_GRID[0]) | same
        cols["jaccard"].append(jac[keep])
        cols["containment"].append(cont[keep])
        cols["shared"].append(shared[keep])
        cols["label"].append(np.where(same, 0, np.where(event[j] == event[i], 1, 2))[keep])
        cols["gold_kind"].append(gold[keep])
    return PairTable(**{name: np.concatenate(parts) for name, parts in cols.items()}, expected_candidates=expected)


def rule_stats(table: PairTable, jaccard_min: float, containment_min: float) -> dict[str, Any]:
    """Precision over linked pairs, recall over required (original, copy) pairs and per kind, for the rule
    ``shared ≥ MIN_SHARED and (jaccard ≥ jaccard_min or containment ≥ containment_min)``."""
    linked = (table.shared >= dedup.MIN_SHARED) & (
        (table.jaccard >= jaccard_min) | (table.containment >= containment_min)
    )
    by_label = np.bincount(table.label[linked], minlength=len(LABELS))
    found = np.bincount(table.gold_kind[linked] + 1, minlength=len(DERIVED_KINDS) + 1)[1:]
    gold = np.bincount(table.gold_kind + 1, minlength=len(DERIVED_KINDS) + 1)[1:]
    required = [DERIVED_KINDS.index(kind) for kind in REQUIRED_KINDS]
    n_linked = int(by_label.sum())
    p = int(by_label[0]) / n_linked if n_linked else 1.0
    r = float(found[required].sum() / gold[required].sum())
    return {
        "jaccard_min": jaccard_min,
        "containment_min": containment_min,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "same_event_links": int(by_label[1]),
        "unrelated_links": int(by_label[2]),
        "recall_by_kind": {kind: float(found[n] / max(gold[n], 1)) for n, kind in enumerate(DERIVED_KINDS)},
    }


def sweep(seed: int, originals: int, ks: Sequence[int]) -> dict[str, Any]:
    """For each k: the best rule on Jaccard alone, on containment alone and on both; the gap between
    negatives and the weakest required positives; and for each LSH b×r, the expected share of the pairs the
    best rule links that LSH makes candidates, and the expected candidates per document."""
    articles = generate(seed, originals)
    report: dict[str, Any] = {"seed": seed, "docs": len(articles), "by_k": {}}
    off = float("inf")
    for k in ks:
        table = pair_table(articles, k)
        negative = table.label != 0
        required = np.isin(table.gold_kind, [DERIVED_KINDS.index(kind) for kind in REQUIRED_KINDS])
        lede_only = table.gold_kind == DERIVED_KINDS.index("lede_only")
        rules = {
            "jaccard": [rule_stats(table, t, off) for t in J_GRID],
            "containment": [rule_stats(table, off, t) for t in C_GRID],
            "either": [rule_stats(table, tj, tc) for tj in J_GRID for tc in C_GRID],
        }
        entry: dict[str, Any] = {}
        for name, rows in rules.items():
            # Ties on F1 go to the rule that also finds the most lede-only briefs (a reported kind).
            entry[name] = max(rows, key=lambda row: (round(row["f1"], 4), row["recall_by_kind"]["lede_only"]))
        for score in ("jaccard", "containment"):
            values = getattr(table, score)
            entry[score] |= {
                "max_negative": float(values[negative].max(initial=0.0)),
                "min_required": float(values[required].min(initial=1.0)),
                "required_p05": float(np.percentile(values[required], 5)),
            }
        best = entry["either"]
        linked = (table.shared >= dedup.MIN_SHARED) & (
            (table.jaccard >= best["jaccard_min"]) | (table.containment >= best["containment_min"])
        )
        entry["lsh"] = {
            f"{b}x{r}": {
                "num_perm": b * r,
                "recall_of_linked": float(np.mean(s_curve(table.jaccard[linked & required], b, r))),
                "lede_only_of_linked": float(np.mean(s_curve(table.jaccard[linked & lede_only], b, r))),
                "candidates_per_doc": table.expected_candidates[(b, r)] / len(articles),
            }
            for b, r in LSH_CONFIGS
        }
        if k == dedup.SHINGLE_WORDS:
            # The neighbourhood of the shipped thresholds, to see how flat the optimum is.
            entry["grid"] = [
                rule_stats(table, tj, tc)
                for tj in np.round(np.arange(dedup.JACCARD_MIN - 0.04, dedup.JACCARD_MIN + 0.045, 0.01), 2)
                for tc in np.round(np.arange(dedup.CONTAINMENT_MIN - 0.15, dedup.CONTAINMENT_MIN + 0.20, 0.05), 2)
            ]
        report["by_k"][k] = entry
    return report


# ----------------------------------------------------------------------------------------------------
# Output.


def _markdown(result: Result, seed: int, originals: int, speed: list[dict[str, float]]) -> str:
    role = "TEST" if seed == TEST_SEED else ("DEV" if seed == DEV_SEED else "other")
    lines = [
        f"## Near-duplicates — seed {seed} ({role}), {originals} originals, {result.docs} documents",
        "",
        f"Scheme `{dedup.METHOD}`: k={dedup.SHINGLE_WORDS} words, N={dedup.NUM_PERM} permutations, "
        f"b={dedup.BANDS} bands × r={dedup.ROWS} rows; a near-duplicate shares ≥ {dedup.MIN_SHARED} shingles "
        f"and has Jaccard ≥ {dedup.JACCARD_MIN} or containment ≥ {dedup.CONTAINMENT_MIN} "
        f"(texts too short for that: Jaccard ≥ {dedup.SHORT_JACCARD_MIN}).",
        "",
        "| kind | required | recall | words changed |",
        "|---|---|---:|---:|",
    ]
    for kind in DERIVED_KINDS:
        req = "yes" if kind in REQUIRED_KINDS else "no (reported)"
        changed = result.changed_by_kind.get(kind, 0.0)
        lines.append(f"| {kind} | {req} | {result.recall_by_kind[kind]:.3f} | {changed:.0%} |")
    lines += [
        "",
        "| metric | value |",
        "|---|---:|",
        f"| links predicted | {result.predicted} |",
        f"| precision (links within one origin) | {result.precision:.4f} |",
        f"| recall, required kinds | {result.recall_required:.4f} |",
        f"| F1 | {result.f1:.4f} |",
        f"| wrong links to an independent report of the same event | {result.hard_negative_links} |",
        f"| wrong links between unrelated stories | {result.unrelated_links} |",
        f"| candidates verified per document | {result.candidates_per_doc:.2f} |",
        "",
        "| documents indexed | seconds | docs/s | candidates/doc | peak RSS MB | RSS before indexing MB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for s in speed:
        lines.append(
            f"| {int(s['docs']):,} | {s['seconds']:.1f} | {s['docs_per_second']:.0f} | "
            f"{s['candidates_per_doc']:.2f} | {s['peak_mb']:.0f} | {s['before_index_mb']:.0f} |"
        )
    return "\n".join(lines)


def _sweep_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"## Sweep — seed {report['seed']}, {report['docs']} documents, exact similarity of every pair",
        "",
        "Best rule per k: link when ≥ MIN_SHARED shingles are shared and Jaccard ≥ J or containment ≥ C "
        "(`–`: not used). `max neg` is the highest score of a pair of different origins, `min req` / "
        "`p05 req` the lowest / 5th percentile of the required (original, copy) pairs.",
        "",
        "| k | rule | J | C | precision | recall | F1 | "
        + " | ".join(DERIVED_KINDS)
        + " | max neg | min req | p05 req |",
        "|---:|---|---:|---:|---:|---:|---:|" + "---:|" * len(DERIVED_KINDS) + "---:|---:|---:|",
    ]
    for k, entry in report["by_k"].items():
        for rule in ("jaccard", "containment", "either"):
            e = entry[rule]
            kinds = " | ".join(f"{e['recall_by_kind'][kind]:.3f}" for kind in DERIVED_KINDS)
            gap = (
                f"{e['max_negative']:.3f} | {e['min_required']:.3f} | {e['required_p05']:.3f}"
                if "max_negative" in e
                else " | | "
            )
            j = "–" if e["jaccard_min"] == float("inf") else f"{e['jaccard_min']:.2f}"
            c = "–" if e["containment_min"] == float("inf") else f"{e['containment_min']:.2f}"
            lines.append(
                f"| {k} | {rule} | {j} | {c} | {e['precision']:.4f} | {e['recall']:.4f} | {e['f1']:.4f} | "
                f"{kinds} | {gap} |"
            )
    configs = list(next(iter(report["by_k"].values()))["lsh"])
    lines += [
        "",
        "LSH b×r (N = b·r): for the pairs the best `either` rule links, the expected share that become "
        "candidates, 1 − (1 − J^r)^b averaged (required kinds / lede-only), and the expected candidates to "
        "verify per document at this corpus size (it grows linearly with the corpus).",
        "",
        "| k | " + " | ".join(configs) + " |",
        "|---:|" + "---|" * len(configs),
    ]
    for k, entry in report["by_k"].items():
        cells = " | ".join(
            f"{v['recall_of_linked']:.3f} / {v['lede_only_of_linked']:.2f} / {v['candidates_per_doc']:.0f}"
            for v in entry["lsh"].values()
        )
        lines.append(f"| {k} | {cells} |")
    for k, entry in report["by_k"].items():
        if "grid" not in entry:
            continue
        cs = sorted({g["containment_min"] for g in entry["grid"]})
        lines += [
            "",
            f"Around the shipped rule at k={k}: F1 (wrong links, lede-only recall) for Jaccard ≥ J (rows) or "
            "containment ≥ C (columns).",
            "",
            "| J \\ C | " + " | ".join(f"{c:.2f}" for c in cs) + " |",
            "|---:|" + "---:|" * len(cs),
        ]
        for tj in sorted({g["jaccard_min"] for g in entry["grid"]}):
            row = {g["containment_min"]: g for g in entry["grid"] if g["jaccard_min"] == tj}
            cells = " | ".join(
                f"{row[c]['f1']:.4f} ({row[c]['same_event_links'] + row[c]['unrelated_links']}, "
                f"{row[c]['recall_by_kind']['lede_only']:.3f})"
                for c in cs
            )
            lines.append(f"| {tj:.2f} | {cells} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seed", type=int, default=TEST_SEED, help=f"{TEST_SEED} = TEST (report), {DEV_SEED} = DEV (tune)"
    )
    parser.add_argument("--originals", type=int, default=500, help="stories; each gives 7 documents")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--sizes", default="1000,10000", help="documents per throughput run, comma-separated")
    parser.add_argument("--sweep", action="store_true", help="DEV only: exact all-pairs sweep over k and thresholds")
    parser.add_argument("--ks", default="3,4,5,6,7", help="shingle sizes for --sweep")
    args = parser.parse_args(argv)

    if args.sweep:
        if args.seed == TEST_SEED:
            parser.error(f"--sweep tunes parameters: run it on the DEV seed (--seed {DEV_SEED}), never on TEST")
        report = sweep(args.seed, args.originals, [int(k) for k in args.ks.split(",")])
        print(json.dumps(report, indent=2) if args.json else _sweep_markdown(report))
        return 0

    # Throughput first, while this process is small: a child's ru_maxrss starts from its parent's at fork.
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"throughput on {sizes} documents …", file=sys.stderr)
    speed = throughput(args.seed, sizes)
    print(f"generating {args.originals} stories (seed {args.seed}) …", file=sys.stderr)
    articles = generate(args.seed, args.originals)
    print(f"indexing {len(articles)} documents …", file=sys.stderr)
    result = evaluate(articles)
    if args.json:
        payload = {
            "seed": args.seed,
            "originals": args.originals,
            "method": dedup.METHOD,
            "parameters": {
                "k": dedup.SHINGLE_WORDS,
                "num_perm": dedup.NUM_PERM,
                "bands": dedup.BANDS,
                "rows": dedup.ROWS,
                "jaccard_min": dedup.JACCARD_MIN,
                "containment_min": dedup.CONTAINMENT_MIN,
                "min_shared": dedup.MIN_SHARED,
                "short_jaccard_min": dedup.SHORT_JACCARD_MIN,
            },
            "quality": dataclasses.asdict(result),
            "throughput": speed,
        }
        print(json.dumps(payload, indent=2))
    else:
        print(_markdown(result, args.seed, args.originals, speed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
