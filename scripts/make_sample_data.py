#!/usr/bin/env python3
"""Generate the fictional sample dataset for "Plotting Partnerships".

Writes three CSV files to ``data/``:

* ``axes.csv``          the five tension axes and their poles
* ``partnerships.csv``  16 fictional water-and-sanitation partnerships
* ``placements.csv``    where each perspective placed each partnership on each
                        assessment round (``actual``), plus agreed and
                        per-perspective ``target`` placements

Everything here is invented for illustration. Organisations are fictional;
real place names are only there to make the examples read naturally.

The trajectories are written by hand: for every partnership there is a
"course" (the consensus position at each assessment round) and, for each
perspective, a fixed offset from that course plus a workshop note per round.
A seeded random generator adds small noise, blanks about 5% of the cells
(not assessed) and gives roughly a fifth of the actual rows an uncertainty
spread. Its seed is fixed, so the output is the same on every run.

Usage (from the repository root):

    python scripts/make_sample_data.py
"""

# The stories below are prose; keeping each note on one line is easier to read and edit.
# ruff: noqa: E501

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

SEED = 20240315
NOISE = 0.3  # +/- noise added to every hand-authored actual placement
BLANK_RATE = 0.05  # share of axis cells left blank ("not assessed")
SPREAD_RATE = 0.24  # share of actual rows that carry an uncertainty spread
AXIS_MIN, AXIS_MAX = -5.0, 5.0

# --------------------------------------------------------------------------
# Axes
# --------------------------------------------------------------------------

AXES = [
    (
        "delivery_policy",
        "Delivering services",
        "Informing policy",
        "Is the partnership mainly about getting taps, toilets and services working "
        "on the ground, or about producing evidence and influence that shape sector policy?",
    ),
    (
        "regulation_innovation",
        "Regulating delivery",
        "Stimulating innovation",
        "Does the partnership mostly help set and enforce standards, tariffs and licences, "
        "or does it make room for partners to try new technologies, business models and ways of working?",
    ),
    (
        "rules_task",
        "Rules-oriented",
        "Task-oriented",
        "Is collaboration held together by formal agreements, procedures and reporting lines, "
        "or by a shared job that partners get on with together?",
    ),
    (
        "outputs_systems",
        "Project outputs",
        "Systemic change",
        "Is success counted in connections, latrines and trainings delivered, or in lasting "
        "changes to institutions, finance and accountability in the sector?",
    ),
    (
        "external_local",
        "Externally driven",
        "Locally owned",
        "Are the agenda, the money and the decisions set by outside funders and agencies, "
        "or held and steered by local government, utilities and communities?",
    ),
]
AXIS_IDS = [axis[0] for axis in AXES]

PARTNERSHIP_COLUMNS = [
    "partnership_id",
    "name",
    "country",
    "sector",
    "arrangement",
    "partners",
    "started",
    "description",
    "region",
]
PLACEMENT_COLUMNS = ["partnership_id", "date", "perspective", "kind", *AXIS_IDS, "spread", "note"]

# --------------------------------------------------------------------------
# Data model for the hand-authored stories
# --------------------------------------------------------------------------

Position = tuple[float, float, float, float, float]  # in AXIS_IDS order


@dataclass
class View:
    """One perspective on a partnership: a fixed offset from the course and a note per round."""

    offset: Position
    notes: list[str]


@dataclass
class Target:
    values: Position
    note: str


@dataclass
class Partnership:
    partnership_id: str
    name: str
    country: str
    region: str
    sector: str
    arrangement: str
    partners: list[str]
    started: str
    description: str
    story: str  # what the data should show; documentation only, not written out
    rounds: list[str]  # assessment dates
    course: list[Position]  # consensus position at each round
    views: dict[str, View]  # perspective -> view
    targets: dict[str, Target]  # perspective -> target, dated at the last round


def view(offset: Position, *notes: str) -> View:
    return View(offset, list(notes))


SAME: Position = (0.0, 0.0, 0.0, 0.0, 0.0)

# --------------------------------------------------------------------------
# The partnerships
# --------------------------------------------------------------------------

PARTNERSHIPS = [
    Partnership(
        partnership_id="lake-victoria-small-towns",
        name="Lake Victoria Small Towns Water Alliance",
        country="Uganda",
        region="East Africa",
        sector="Water supply",
        arrangement="alliance",
        partners=[
            "Ministry of Water and Sanitation",
            "Lakeside Water Utility",
            "Maji Bora Trust",
            "Nordwater Development Bank",
        ],
        started="2019-06-03",
        description=(
            "Links eleven small-town utilities around the lake to share operators, spare parts and "
            'tariff data. Began as a rehabilitation programme and now feeds evidence into the national "small towns" tariff review.'
        ),
        story="MOVING: steadily from delivering services to informing policy; partners agree.",
        rounds=["2022-03-14", "2023-03-15", "2024-03-12", "2025-03-18", "2026-03-10"],
        course=[
            (-3.5, -1.0, -1.0, -2.5, -2.0),
            (-2.0, -0.5, -0.5, -1.5, -1.5),
            (-0.5, 0.0, 0.0, -0.5, -0.5),
            (1.0, 0.5, 0.5, 0.5, 0.5),
            (2.5, 1.5, 1.0, 2.0, 1.5),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.0, 0.5),
                "Utilities were still busy fixing pumps and meters after the rehabilitation phase; the alliance is basically a maintenance club at this stage.",
                "Operators have started swapping spare parts and staff between towns, and the ministry asked for the alliance's tariff data for the first time.",
                "Half the meeting time now goes on comparing tariffs and non-revenue water, not on repairs.",
                "Alliance benchmarking report was tabled at the joint sector review; we cited it when defending the small-towns subsidy.",
                "The ministry uses alliance data in the national small-towns tariff review. Running the schemes is now the utilities' own business.",
            ),
            "civil society": view(
                (0.5, 0.5, 0.5, 0.5, 0.0),
                "Our role is mobilising water user committees to pay their bills; policy questions are not on the table yet.",
                "We pushed for a pro-poor connection window and got it piloted in two towns, which felt like the first policy conversation.",
                "Maji Bora now facilitates the learning days. The technical work sits firmly with the utilities.",
                "We co-authored the brief on lifeline tariffs with the utility managers, which would have been unthinkable in 2022.",
                "The alliance is a voice in the tariff review now, with user committees presenting their own data to the regulator.",
            ),
            "donor": view(
                (-0.5, 0.0, 0.0, -0.5, -0.5),
                "Our results framework counts connections and rehabilitated schemes, so that is where the money goes.",
                "Still mainly an infrastructure programme, but we have funded a small benchmarking pilot alongside it.",
                "Capital works are winding down; we agreed to move the remaining funds to performance benchmarking.",
                "Hard to attribute, but the draft tariff guidelines borrow heavily from the alliance's benchmarking.",
                "Our grant now funds the secretariat only. The utilities co-finance the learning events out of their own budgets.",
            ),
            "joint": view(
                SAME,
                "Agreed in plenary: we are delivering services first, and the rest can come later.",
                "Plenary placed the alliance a little further from pure delivery after the first tariff exchange.",
                "Consensus that we sit in the middle now: still fixing schemes, but more and more a source of evidence.",
                "The group moved the dot past the centre line without much debate; the benchmarking report did the talking.",
                "Everyone placed it on the policy side this year. Some worry the smaller towns are being left behind on operations.",
            ),
        },
        targets={
            "joint": Target(
                (4.0, 2.0, 1.0, 3.5, 3.0),
                "Target for 2028: alliance formally recognised in the tariff regulations, with utilities paying the secretariat from their own revenue.",
            ),
            "public": Target(
                (3.0, 1.0, 0.5, 3.0, 3.5),
                "We want the evidence role, but not at the expense of operations, so the ministry stops short of the NGO's target.",
            ),
            "civil society": Target(
                (4.5, 2.5, 1.5, 4.0, 3.0),
                "Aim high: a standing seat for user committees in the regulator's tariff hearings.",
            ),
            "donor": Target(
                (3.5, 2.0, 1.0, 3.0, 2.0),
                "Our exit in 2028 assumes the alliance sits clearly on the policy side and is financed locally.",
            ),
        },
    ),
    Partnership(
        partnership_id="dhaka-fsm-venture",
        name="Dhaka Peri-Urban Faecal Sludge Joint Venture",
        country="Bangladesh",
        region="South Asia",
        sector="Faecal sludge management",
        arrangement="joint venture",
        partners=[
            "Savar Pourashava",
            "Sonali Sanitation Services Ltd",
            "Nirapod Pani Foundation",
            "Anchor Impact Investors",
        ],
        started="2020-01-15",
        description=(
            "A municipality and a private emptying company co-own a treatment plant and a fleet of vacuum tugs "
            "serving dense rental housing. Emptying fees, not grants, are meant to cover running costs."
        ),
        story="MOVING: from stimulating innovation to regulating delivery as licensing arrives; stays on delivery.",
        rounds=["2023-02-20", "2024-02-26", "2025-02-17", "2026-02-23"],
        course=[
            (-2.5, 3.0, 2.0, -1.0, -2.0),
            (-2.5, 1.5, 1.0, -0.5, -1.0),
            (-2.0, -0.5, -0.5, 0.5, 0.0),
            (-2.5, -2.0, -1.5, 1.0, 1.0),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.5, 0.5),
                "The Pourashava left the operators to experiment with tug designs and pricing; we had no bylaw on emptying yet.",
                "Drafted the emptying licence after two illegal dumping cases near the canal. Innovation is still welcome, but inside limits.",
                "Licensing is live and the JV is the first licensed operator. Our inspectors ride along on the tugs once a month.",
                "Most of our effort is enforcement now: licences, trip manifests, and fines for drivers who dump at night.",
            ),
            "private": view(
                (-0.5, 0.5, 0.5, -0.5, 0.0),
                "Everything was a pilot: three tug models, cash and mobile payment, scheduled versus on-demand emptying.",
                "We settled on one tug design and a flat fee; the municipality is starting to ask for paperwork on every trip.",
                "The licence protects us from informal competitors, but it also fixed our prices for two years.",
                "Honestly, we are a regulated service provider now. Growth depends on the tariff review, not on new ideas.",
            ),
            "civil society": view(
                (0.5, 0.0, 0.0, 0.5, 0.0),
                "Households in rental plots didn't know the service existed, so we spent the year on door-to-door promotion.",
                "Landlords are the real customers. We have started a landlords' forum to negotiate scheduled emptying.",
                "The complaints line works and the Pourashava actually responds, which shifts this toward accountability.",
                "Our focus is making sure the licence rules do not price out the poorest compounds.",
            ),
            "donor": view(
                (0.0, 0.5, 0.0, 0.0, -0.5),
                "Blended finance let the JV buy tugs and try things a grant would never allow.",
                "Fee revenue covers about 60% of operating cost, and the gap is shrinking.",
                "We exited our equity position early because the licence framework took most of the risk out of the business.",
                "A textbook case of a service maturing into a regulated utility function. Our role is light-touch monitoring.",
            ),
        },
        targets={
            "joint": Target(
                (-2.0, -1.0, -1.0, 2.5, 2.5),
                "Keep the regulated model but loosen it enough to pilot co-composting, and get the plant's performance data into the city sanitation plan.",
            ),
        },
    ),
    Partnership(
        partnership_id="agua-para-todos-zambezia",
        name="Água para Todos Small Piped Systems Programme",
        country="Mozambique",
        region="Southern Africa",
        sector="Water supply",
        arrangement="contract",
        partners=[
            "Administração Regional de Águas da Zambézia",
            "Sol Nascente Operadores Lda",
            "Associação de Utentes de Água de Mocuba",
            "Fundo Lusófono para a Água",
        ],
        started="2018-09-10",
        description=(
            "Lease contracts hand small piped systems in district towns to local private operators, with a users' "
            'association monitoring service and tariffs. Known in Mocuba simply as "a água da associação".'
        ),
        story="MOVING: from externally driven to locally owned, and from outputs toward systemic change; "
        "stays in the delivery/innovation quadrant. A named organisation is one of the perspectives.",
        rounds=["2022-10-04", "2023-10-10", "2024-10-08", "2025-10-14"],
        course=[
            (-1.5, 1.5, -2.0, -3.0, -4.0),
            (-1.5, 2.0, -1.5, -2.0, -2.0),
            (-1.0, 2.0, -1.0, -0.5, 0.5),
            (-1.5, 2.5, -0.5, 1.0, 2.5),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.0, 0.0),
                "Contracts were written in Maputo by the donor's consultants; the province mostly signed what it was given.",
                "The province now chairs the contract review meetings, though the consultants still draft the minutes.",
                "We renegotiated two lease contracts ourselves this year, without outside advisers.",
                "The provincial budget includes a line for operator performance audits. That is ownership.",
            ),
            "private": view(
                (-0.5, 0.5, 0.0, -0.5, 0.5),
                "Operators were hand-picked by the programme, and we followed the donor's reporting template to the letter.",
                "Trying prepaid meters in two towns, paid for partly from our own revenue.",
                "We formed an operators' association and now lobby the province directly instead of through the programme office.",
                "We are investing our own money in network extensions; the donor only guarantees the loan.",
            ),
            "Associação de Utentes de Água de Mocuba": view(
                (0.5, 0.0, 0.5, 0.5, -0.5),
                'Users were "consulted" once, at the launch. Nobody explained the tariff.',
                "We now receive the operators' monthly reports, but late and only in Portuguese, not in Chuwabo.",
                "Our monitors post a simple scorecard at the market every quarter, and the operators respond to it.",
                "The association sits on the contract review panel with a vote. It finally feels like our system.",
            ),
        },
        targets={
            "joint": Target(
                (-1.0, 2.5, 0.0, 2.5, 4.0),
                "By 2027: contracts renewed on provincial terms, with the users' association funded from a small tariff levy.",
            ),
            "public": Target(
                (-1.0, 1.5, -0.5, 2.0, 4.0),
                "The ownership target is the province's own; on innovation we prefer fewer experiments and more standard contracts.",
            ),
            "private": Target(
                (-2.0, 3.5, 0.5, 1.5, 3.5),
                "Operators want room to try new tariffs and bulk supply deals, so we put our target further toward innovation.",
            ),
            "Associação de Utentes de Água de Mocuba": Target(
                (0.0, 2.0, 0.5, 3.0, 4.5),
                "Target set by our general assembly: users have a say in every tariff decision, and audits are published in full.",
            ),
        },
    ),
    Partnership(
        partnership_id="cuenca-viva-water-fund",
        name="Cuenca Viva Upper Rímac Water Fund",
        country="Peru",
        region="Latin America",
        sector="Water resources",
        arrangement="platform",
        partners=[
            "Gobierno Regional de Lima – Unidad de Recursos Hídricos",
            "AquaLima Servicios S.A.",
            "Asociación de Regantes Alto Rímac",
            "Fondo Andino de Conservación",
        ],
        started="2019-11-20",
        description=(
            "Downstream water users pay into a fund that restores pre-Inca amunas infiltration canals and high "
            "wetlands above the Rímac, in exchange for more reliable dry-season flows."
        ),
        story="MOVING: toward informing policy and systemic change, staying innovative; target is close.",
        rounds=["2022-11-08", "2023-11-14", "2024-11-12", "2025-11-18"],
        course=[
            (0.0, 2.0, 1.5, -1.5, 0.0),
            (1.0, 2.5, 1.0, 0.0, 0.0),
            (2.5, 2.0, 0.5, 2.0, 0.5),
            (3.5, 2.0, 0.0, 3.5, 1.0),
        ],
        views={
            "public": view(
                (0.5, -0.5, -0.5, 0.0, 0.5),
                "The fund is a pilot: a few kilometres of amunas restored and a lot of goodwill, but no link to regional planning yet.",
                "The regional water plan now mentions natural infrastructure, and quotes the fund as its example.",
                "We asked the fund to help design the regional ordinance on payments for ecosystem services.",
                "The ordinance passed. The fund's method is now the regional standard for hydrological monitoring.",
            ),
            "private": view(
                (-0.5, 0.5, 0.5, -0.5, 0.0),
                "The utility pays a fixed amount per cubic metre; we want proof that flows improve before we scale it up.",
                "Monitoring shows dry-season base flow up modestly in two sub-catchments, so the board approved a higher contribution.",
                "Our regulator now allows green infrastructure in the tariff study, partly thanks to the fund's evidence.",
                "For us the fund is more useful as evidence in tariff negotiations than as a restoration programme.",
            ),
            "civil society": view(
                (0.0, 0.0, 0.0, 0.5, -0.5),
                "Comuneros did the digging; the decisions were taken in Lima.",
                "The irrigators' association got a seat on the technical committee, and we insisted on Quechua translation.",
                "Restoration continues, but the big shift is the ordinance, which recognises our customary water rights.",
                "We fear the fund turns into a policy think tank and the canals get less attention. The numbers say systemic, the hillsides say maintenance.",
            ),
        },
        targets={
            "joint": Target(
                (4.0, 2.5, 0.0, 4.0, 2.0),
                "A target close to where we are: keep the policy role, protect the maintenance budget, and hand more decisions to the communities.",
            ),
        },
    ),
    Partnership(
        partnership_id="copperbelt-healthy-schools",
        name="Copperbelt Healthy Schools WASH Partnership",
        country="Zambia",
        region="Southern Africa",
        sector="WASH in schools",
        arrangement="partnership",
        partners=[
            "Ministry of Education – Copperbelt Provincial Office",
            "Copperbelt Hills Water Company",
            "Tiyende Pamodzi Schools Trust",
            "Helvetic Fund for Children",
        ],
        started="2018-02-12",
        description=(
            "Builds and maintains toilets, handwashing stations and menstrual hygiene rooms in 120 primary schools. "
            "Tried to get WASH costs into the school grant formula, with mixed results."
        ),
        story="MOVING then DRIFTING BACK: toward informing policy until 2023, back to delivery after a funding cut; "
        "target is far away.",
        rounds=["2021-09-20", "2022-09-19", "2023-09-25", "2024-09-23", "2025-09-22"],
        course=[
            (-3.0, -1.0, -1.5, -2.5, -3.0),
            (-1.5, -0.5, -1.0, -1.0, -2.0),
            (1.0, 0.0, -0.5, 0.5, -1.0),
            (-0.5, -0.5, -1.0, -0.5, -1.5),
            (-2.0, -1.0, -1.5, -1.5, -0.5),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.0, 0.5),
                "Schools needed toilets before anything else, so the partnership was a construction programme.",
                "District education officers have started including WASH in school inspections.",
                "A draft guideline on a WASH line in the school grant went to the ministry's planning committee.",
                "The guideline stalled when the budget call was cut. We are back to asking the partnership to fix broken taps.",
                "Without a budget line there is no policy to inform. Maintenance is again the main ask from head teachers.",
            ),
            "civil society": view(
                (0.5, 0.5, 0.0, 0.5, -0.5),
                "Tiyende Pamodzi built 40 latrine blocks; the school health clubs were an afterthought.",
                "Health clubs now run the handwashing rota in most schools, and we started documenting costs.",
                "Our costing study was presented to Parliament's education committee, which felt like a breakthrough.",
                "The momentum went after the elections; the new officials never saw the costing study.",
                "We are filling gaps again, with soap, repairs and sanitary pads. Advocacy runs on volunteer time now.",
            ),
            "donor": view(
                (-0.5, 0.0, 0.0, -0.5, 0.0),
                "Funding is tied to the number of schools reached.",
                "We allowed 10% of the budget for evidence and advocacy.",
                "The mid-term review praised the policy influence, and we planned a second phase around it.",
                "Our headquarters halved the second phase, and the advocacy component went first.",
                "Phase two is a maintenance-only grant. We regret it, but the board wanted visible outputs.",
            ),
        },
        targets={
            "joint": Target(
                (2.0, 0.0, -0.5, 2.0, 1.0),
                "Still aiming for WASH in the school grant formula by 2027, even though we have drifted away from it. An honest, distant target.",
            ),
        },
    ),
    Partnership(
        partnership_id="northern-ghana-sanmark",
        name="Northern Ghana Sanitation Marketing Network",
        country="Ghana",
        region="West Africa",
        sector="Sanitation",
        arrangement="network",
        partners=[
            "Tamale Metropolitan Assembly",
            "Dagbon Latrine Artisans Cooperative",
            "Nyab Yili Community Action",
            "Savanna Microfinance Bank",
        ],
        started="2019-03-04",
        description=(
            "Trained masons sell affordable household toilets on credit, while the assembly enforces bylaws "
            'against open defecation. The masons simply call it "the toilet business".'
        ),
        story="STABLE and AGREED: delivery plus innovation; small, close target.",
        rounds=["2023-06-12", "2024-06-10", "2025-06-16"],
        course=[
            (-2.0, 2.5, 2.0, -1.5, 1.5),
            (-2.0, 2.5, 2.0, -1.0, 1.5),
            (-2.0, 2.5, 2.0, -1.0, 2.0),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.0, 0.0),
                "Artisans sell, households buy, the assembly enforces bylaws. It works, so we don't tinker.",
                "Same place as last year. Bylaw enforcement improved in the peri-urban wards.",
                "Still a delivery network, and we have no ambition to turn it into a policy forum.",
            ),
            "private": view(
                (-0.5, 0.5, 0.5, -0.5, 0.0),
                "Cooperative members test new slab moulds and plastic pans every season; that's our edge.",
                "Sales are steady at about 90 toilets a month across the network.",
                "The bank's credit product made the difference. Otherwise nothing has changed, and that's fine.",
            ),
            "civil society": view(
                (0.0, 0.0, 0.0, 0.5, 0.0),
                "We do demand creation in communities and pass the leads on to the masons.",
                "Everyone still agrees on roles. We noted more women masons joining.",
                "Stable, maybe too comfortable. Nobody is asking what happens to the sludge when the pits fill up.",
            ),
        },
        targets={
            "joint": Target(
                (-1.5, 2.5, 1.5, 0.0, 2.5),
                "A small step: keep selling toilets, but start tracking pit emptying so the network thinks beyond the slab.",
            ),
        },
    ),
    Partnership(
        partnership_id="nakuru-water-kiosks",
        name="Nakuru Informal Settlements Water Kiosk Partnership",
        country="Kenya",
        region="East Africa",
        sector="Water supply",
        arrangement="contract",
        partners=[
            "Nakuru County Department of Water",
            "Mlima Water Services Company",
            "AquaPoint Kiosks Ltd",
            "Mtaani Water Justice Forum",
            "Eastgate Development Finance",
        ],
        started="2021-07-01",
        description=(
            "Private franchisees run prepaid water ATMs and kiosks in informal settlements under a county concession. "
            'The county calls it "regulated delegation", the franchisor calls it "a market".'
        ),
        story="DISAGREE: the county places it far toward regulating delivery, the company far toward innovation.",
        rounds=["2023-03-20", "2024-03-18", "2025-03-24", "2026-03-16"],
        course=[
            (-3.0, 0.0, 0.0, -2.0, -1.0),
            (-3.0, 0.0, 0.0, -1.5, -0.5),
            (-2.5, 0.5, 0.0, -1.5, -0.5),
            (-2.5, 0.0, 0.0, -1.0, 0.0),
        ],
        views={
            "public": view(
                (0.5, -3.0, -2.5, 0.5, 1.0),
                "The concession is a regulatory instrument: we set the kiosk tariff and inspect water quality weekly.",
                "Franchisees keep testing price changes without county approval. We issued two warnings.",
                'We see the kiosks as a regulated service, full stop. All the "innovation" talk worries us.',
                "The new county water act gives us powers to suspend franchises.\nThis partnership is about enforcement.",
            ),
            "private": view(
                (-0.5, 3.5, 2.5, -1.0, 0.5),
                "We are piloting water ATMs, tokens and mobile money. Nothing like it exists in the county.",
                "A peak-hour pricing pilot cut queues by half. The county sees a breach, we see learning.",
                "Sensor-metered kiosks are now in 60 sites. The business model is the innovation.",
                "If we can't experiment we'll exit; the concession was sold to us as a platform for new models.",
            ),
            "civil society": view(
                (0.5, -1.0, -1.5, 1.0, 1.5),
                "Residents care about price and distance. We monitor both, and they are better than before but not good enough.",
                "Token pricing confuses elderly users. We want the county to enforce the posted tariff.",
                "The forum sides with the county on tariffs and with the company on longer opening hours.",
                "Our social audit found 14 kiosks charging above the tariff. Regulation has to bite.",
            ),
            "donor": view(
                (0.0, 1.5, 1.0, -1.0, -1.5),
                "We financed the concession as a proof of concept for private delivery in informal areas.",
                "The evaluation credits the pricing pilots; we see more innovation than the county does.",
                "Somewhere between the two camps. Our guarantee covers the ATM rollout, not the regulatory side.",
                "We have asked both sides to sit down and agree a tariff band. No agreement yet.",
            ),
        },
        targets={
            "joint": Target(
                (-2.0, 0.5, 0.0, 0.5, 1.5),
                "The only target everyone signed: near the middle on regulation versus innovation, and much more locally owned. The details are still contested.",
            ),
            "public": Target(
                (-2.0, -3.5, -2.5, 1.0, 2.5),
                "County target: a fully regulated concession, with innovation only through approved pilots.",
            ),
            "private": Target(
                (-3.0, 4.0, 3.0, -1.0, 1.0),
                "Company target: freedom to set prices within a band and to try new dispensing technology.",
            ),
            "civil society": Target(
                (-1.0, -2.0, -1.5, 2.0, 3.0),
                "We want enforceable tariffs and a residents' complaints desk run by the county, not the company.",
            ),
            "donor": Target(
                (-2.0, 2.0, 1.0, 0.0, 0.0),
                "Leaning toward innovation, but with a published tariff band to protect users.",
            ),
        },
    ),
    Partnership(
        partnership_id="cochabamba-sewer-contract",
        name="Cochabamba Peri-Urban Sanitation Service Contract",
        country="Bolivia",
        region="Latin America",
        sector="Sanitation",
        arrangement="contract",
        partners=[
            "Gobierno Autónomo Municipal de Sacaba",
            "Cooperativa de Servicios Sanitarios Alto Pagador",
            "Fundación Agua y Saneamiento Básico",
            "Fondo Valle Alto para Infraestructura",
        ],
        started="2018-05-21",
        description=(
            "A performance-based contract with a water cooperative to run sewer connections and a small treatment "
            'plant in the southern districts. Indicators, penalties and tariffs are fixed in a 92-page "contrato de servicio".'
        ),
        story="STABLE and AGREED: delivering services, regulating, rules-oriented.",
        rounds=["2023-08-07", "2024-08-12", "2025-08-11"],
        course=[
            (-3.0, -3.0, -3.5, -2.0, 1.0),
            (-3.0, -3.0, -3.5, -2.0, 1.5),
            (-3.0, -2.5, -3.5, -1.5, 1.5),
        ],
        views={
            "public": view(
                (0.0, -0.5, -0.5, 0.0, 0.5),
                "The contract is the partnership. Monthly KPI reports, quarterly penalties, no surprises.",
                "Same as last year: the cooperative meets 9 of 11 indicators and pays penalties on the other two.",
                "We renewed the contract for three years on identical terms. Predictability is the point.",
            ),
            "private": view(
                (-0.5, 0.5, 0.0, -0.5, 0.0),
                "We run the service strictly to contract, and any new idea needs a contract amendment.",
                "We asked to trial condominial sewers, but the amendment took eleven months, so we dropped it.",
                "Comfortable with rules. Our members like knowing what is expected of them.",
            ),
            "civil society": view(
                (0.5, 0.0, 0.5, 0.5, 0.0),
                "The Fundación checks the cooperative's figures against household surveys. Mostly they match.",
                "Complaints are handled by procedure, slowly but reliably.",
                "Nothing has moved, which is good news for sewer users, but not for the unconnected households on the hills.",
            ),
            "joint": view(
                SAME,
                "Quick consensus: rules-based, service-focused, regulated. No one argued.",
                "Placed in the same spot within five minutes.",
                "Same spot again, after some discussion on whether the contract blocks better ideas such as condominial sewers.",
            ),
        },
        targets={
            "joint": Target(
                (-2.5, -2.5, -2.5, 0.5, 2.0),
                "Keep the contract discipline, allow a small window for innovation, and report on systemic results like coverage on the hillsides.",
            ),
        },
    ),
    Partnership(
        partnership_id="central-java-desludging",
        name="Central Java Scheduled Desludging Platform",
        country="Indonesia",
        region="Southeast Asia",
        sector="Faecal sludge management",
        arrangement="platform",
        partners=[
            "Provincial Housing and Settlements Agency",
            "Perumda Tirta Lestari",
            "Yayasan Sanitasi Nusantara",
            "Pacific Urban Development Fund",
        ],
        started="2020-08-17",
        description=(
            "Brings district governments, utilities and private desludging firms together to write scheduled-desludging "
            'regulations and a provincial sludge treatment plan. Members still call it the "Pokja", after the working group it grew out of.'
        ),
        story="STABLE and AGREED: informing policy, regulating delivery; per-perspective targets differ on innovation.",
        rounds=["2022-11-21", "2023-11-20", "2024-11-25", "2025-11-24"],
        course=[
            (2.0, -2.5, -2.0, 1.0, 1.5),
            (2.5, -2.5, -2.0, 1.5, 1.5),
            (2.5, -2.0, -2.0, 1.5, 2.0),
            (2.5, -2.5, -2.5, 1.5, 2.0),
        ],
        views={
            "public": view(
                (0.5, -0.5, -0.5, 0.0, 0.5),
                "The platform's job is to write the rules: desludging intervals, licences for trucks, and who pays.",
                "Two districts adopted the model regulation. The platform stays where it was, which is where we want it.",
                "The governor's decree on scheduled desludging was drafted by the platform secretariat.",
                "Nothing new in positioning. The platform is our regulatory think tank and it works.",
            ),
            "private": view(
                (-0.5, 0.5, 0.0, 0.0, 0.0),
                "We joined to make sure the rules are workable for truck operators. So far they listen.",
                "Licensing conditions are finally agreed; we'd like more space to try scheduled contracts with housing estates.",
                "Still a regulation platform. That's fine for us as long as tipping fees at the treatment plant stay predictable.",
                "Same view as last year, although we pushed the group to consider a GPS tracking pilot for trucks.",
            ),
            "donor": view(
                (0.0, 0.0, 0.0, 0.5, -0.5),
                "Our technical assistance is on regulation and planning; we are not funding trucks.",
                "The platform is cited in the national mid-term plan on domestic wastewater.",
                "Our assessment matches the others: policy-oriented, rules-heavy, increasingly locally led.",
                "The province's co-funding now exceeds ours.",
            ),
        },
        targets={
            "joint": Target(
                (3.0, -1.0, -1.5, 3.0, 3.0),
                "Keep the policy role but open up toward innovation, starting with scheduled desludging contracts and truck tracking.",
            ),
            "public": Target(
                (3.0, -2.0, -2.0, 3.0, 3.0),
                "The province wants the regulatory work finished first; innovation can come later.",
            ),
            "private": Target(
                (2.0, 0.5, -1.0, 2.5, 2.5),
                "Operators' target: more room to innovate, with the rules as a stable floor.",
            ),
            "donor": Target(
                (3.5, -1.0, -1.5, 3.5, 3.5),
                "Our exit target: the province fully in the lead and the platform shaping national FSM policy.",
            ),
        },
    ),
    Partnership(
        partnership_id="dodoma-hygiene-alliance",
        name="Dodoma Handwashing Behaviour Change Alliance",
        country="Tanzania",
        region="East Africa",
        sector="Hygiene",
        arrangement="alliance",
        partners=[
            "Dodoma City Council Health Department",
            "Usafi Soap Industries Ltd",
            "Sauti ya Jamii Network",
            "Northbridge Health Foundation",
        ],
        started="2022-01-10",
        description=(
            "Soap makers, health workers and community radio run handwashing campaigns in markets, clinics and bus stands. "
            'The slogan "Mikono Safi, Maisha Bora" is now painted on most of the city\'s daladala buses.'
        ),
        story="DISAGREE: civil society sees policy and systemic change, the donor sees service delivery and outputs.",
        rounds=["2023-07-10", "2024-07-08", "2025-07-14"],
        course=[
            (0.5, -0.5, 0.5, 0.0, -0.5),
            (0.5, -1.0, 0.5, 0.0, 0.0),
            (1.0, -1.5, 0.5, 0.5, 0.0),
        ],
        views={
            "public": view(
                (0.5, -1.5, -0.5, 0.5, 1.0),
                "The council sees a mix: campaigns in markets plus enforcing the handwashing bylaw at food stalls.",
                "Market inspectors now check handwashing stations. The alliance helps us enforce rather than invent.",
                "The bylaw review used the alliance's survey data, so it sits somewhere between campaigning and policy.",
            ),
            "private": view(
                (-1.0, 2.0, 1.5, -1.0, 0.0),
                "We co-design campaigns and try new packaging, like small sachets at 200 shillings. It's an innovation lab for us.",
                "Sachet sales are up 30%. Policy work is not our concern.",
                "We want the alliance to stay practical and commercial; the policy talk slows things down.",
            ),
            "civil society": view(
                (3.0, 0.5, 0.5, 3.0, 1.0),
                "For us the alliance is a way to get hygiene into the district health plan, not a campaign machine.",
                "Hygiene is now a budget line in the council health plan. That is what this alliance is for.",
                "We placed it far on the policy and systems side. The donor's view, \"it's about soap and posters\", misses the budget win.",
            ),
            "donor": view(
                (-3.5, 0.0, -1.0, -3.5, -1.5),
                "Our grant pays for campaigns, and the indicator is people reached with handwashing messages.",
                "Reach is 1.2 million. We don't see a policy role, and our logframe has no column for one.",
                "We stick with our placement: a delivery alliance focused on outputs. Budget lines come and go.",
            ),
        },
        targets={
            "joint": Target(
                (1.5, -1.0, 0.5, 2.0, 1.5),
                "The compromise target: a bit more policy and systems work, without losing the campaigns everyone values.",
            ),
            "public": Target(
                (1.0, -2.5, -0.5, 1.5, 2.0),
                "The council wants firmer enforcement, and for the alliance to hand over its inspection data.",
            ),
            "private": Target(
                (-1.0, 2.0, 2.0, 0.0, 1.0),
                "Company target stays commercial and experimental.",
            ),
            "civil society": Target(
                (4.0, 0.0, 1.0, 4.0, 2.5),
                "We aim for a national hygiene budget line, with the alliance as the evidence base.",
            ),
            "donor": Target(
                (-2.0, -0.5, -0.5, -1.5, 0.0),
                "A modest shift: a costed sustainability plan, but outputs remain the core of what we fund.",
            ),
        },
    ),
    Partnership(
        partnership_id="bundelkhand-recharge-network",
        name="Bundelkhand Village Aquifer Recharge Network",
        country="India",
        region="South Asia",
        sector="Water resources",
        arrangement="network",
        partners=[
            "State Groundwater Department",
            "Jal Sangam Farmers' Collective",
            "Prakriti Seva Sansthan",
            "Global Climate Resilience Facility",
            "Dharti Agritech Pvt Ltd",
        ],
        started="2021-04-22",
        description=(
            "Village committees draw up water budgets and build check dams and recharge wells, backed by a climate "
            "fund and the state groundwater department. Farmers, NGOs and officials disagree on who really runs it."
        ),
        story="DISAGREE: the donor sees it as locally owned, the farmers' collective as externally driven.",
        rounds=["2022-12-05", "2023-12-04", "2024-12-09", "2025-12-08"],
        course=[
            (0.5, 1.5, 1.5, -1.0, 0.0),
            (1.0, 2.0, 1.5, -0.5, 0.0),
            (1.5, 2.0, 1.0, 0.0, 0.0),
            (1.5, 2.5, 1.0, 0.5, 0.5),
        ],
        views={
            "public": view(
                (0.5, -1.0, -1.0, 0.5, 1.0),
                "The network helps the department map recharge sites. Useful, but the agenda comes from the climate fund.",
                "Village water budgets are a good idea and we'd like them in the state groundwater rules.",
                "The department now co-chairs the network, so it is partly our programme, partly the fund's.",
                "The state rules on participatory groundwater management cite the network. Ownership is shared.",
            ),
            "civil society": view(
                (-1.0, 1.0, 1.0, -1.0, -3.5),
                "Plans arrive from consultants in Delhi, in English; villagers dig the check dams.",
                'The farmers\' collective was asked to "validate" the water budgets after they were written. That is not ownership.',
                "Every decision that matters still needs sign-off from the fund's country office.",
                "The donor calls this locally owned. Our members would say locally implemented, externally decided.",
            ),
            "donor": view(
                (0.5, 0.0, 0.0, 0.5, 3.0),
                "From day one the design was demand-led: village committees choose their own recharge structures.",
                "Committees hold the bank accounts and choose the contractors. That is as local as it gets.",
                "Our reporting shows 80% of spending decisions taken at village level.",
                "We see strong local ownership. We note the collective's concerns and will commission an independent review.",
            ),
        },
        targets={
            "joint": Target(
                (2.0, 2.5, 1.0, 2.0, 3.0),
                "We agree on the direction even though we disagree on where we are now: locally owned and shaping state policy.",
            ),
            "public": Target(
                (2.5, 1.5, 0.0, 2.0, 3.0),
                "Department target: the network embedded in state rules and run by the department together with the villages.",
            ),
            "civil society": Target(
                (1.0, 3.0, 2.0, 1.5, 4.5),
                "Our target: the farmers' collective holds the agenda and the money. Full stop.",
            ),
            "donor": Target(
                (2.5, 2.5, 1.0, 2.5, 4.0),
                "Exit by 2027, with the network financed from state and panchayat budgets.",
            ),
        },
    ),
    Partnership(
        partnership_id="centre-nord-hygiene-network",
        name="Réseau Hygiène et Eau Potable du Centre-Nord",
        country="Burkina Faso",
        region="West Africa",
        sector="Hygiene",
        arrangement="network",
        partners=[
            "Ministère de l'Eau et de l'Assainissement",
            "Direction Régionale de la Santé du Centre-Nord",
            "Association Faso Hygiène",
            "Fondation Sahel Solidarité",
        ],
        started="2018-11-05",
        description=(
            "Health districts, hygiene associations and the water ministry set hygiene standards for water points and, "
            "since 2022, support hygiene services in sites for displaced families. Meetings are held in French and Mooré."
        ),
        story="MOVING: pulled from informing policy toward delivering services by the displacement emergency; "
        "stays on the regulating side. A named organisation is one of the perspectives.",
        rounds=["2022-04-11", "2023-04-17", "2024-04-15", "2025-04-14"],
        course=[
            (3.5, -2.5, -2.5, 2.0, 0.5),
            (2.5, -2.0, -2.0, 1.0, 0.5),
            (1.5, -2.0, -1.5, 0.0, 1.0),
            (1.0, -1.5, -1.0, -0.5, 1.5),
        ],
        views={
            "Ministère de l'Eau et de l'Assainissement": view(
                (0.5, -0.5, -0.5, 0.5, 0.5),
                "The network exists to produce the national hygiene standards for water points; implementation is for the communes.",
                "Standards adopted by decree. Since the displacement crisis, partners want the network to help in the sites too.",
                "We accept the shift toward services in the displacement sites, but the standards remain our priority.",
                "The network now spends more time on hygiene kits and water trucking than on policy; the ministry wants the balance restored.",
            ),
            "civil society": view(
                (-0.5, 0.5, 0.5, -0.5, 0.5),
                "Faso Hygiène brought field experience into the standards, and we felt heard.",
                "Our members are overwhelmed in the displacement sites. The network has become an operational coordination space.",
                "Delivery first, because families arriving in Kaya need soap and latrines today, not a decree.",
                "Still mostly delivery. We keep one foot in policy through the standards committee.",
            ),
            "donor": view(
                (0.0, 0.0, 0.0, 0.0, -1.0),
                "A policy network, well regarded and rules-oriented. We fund the secretariat.",
                "Humanitarian funding arrived and pulled the network toward service delivery.",
                "We placed it near the middle on delivery versus policy, with donors driving more of the agenda than before.",
                "Emergency money is now the bulk of the network's budget, which is why we put it further toward externally driven than the others do.",
            ),
            "joint": view(
                SAME,
                "Consensus: policy and regulation, with the ministry firmly in the lead.",
                "The plenary moved the dot toward delivery because of the emergency work.",
                "A long discussion; we agreed the network still sits on the policy side of the line, just.",
                "The network is drifting toward delivery. We agreed to say so openly rather than pretend otherwise.",
            ),
        },
        targets={
            "joint": Target(
                (2.5, -2.0, -1.5, 1.5, 2.0),
                "Target: back toward policy by 2027, with the hygiene standards applied in displacement sites as well as in villages.",
            ),
        },
    ),
    Partnership(
        partnership_id="kitui-schools-rainwater",
        name="Kitui Schools Rainwater and Handwashing Partnership",
        country="Kenya",
        region="East Africa",
        sector="WASH in schools",
        arrangement="partnership",
        partners=[
            "Kitui County Department of Education",
            "Mvua Tank Manufacturers Ltd",
            "Kiwanja cha Maji Trust",
            "Alpine Children's Fund",
        ],
        started="2022-06-06",
        description=(
            "Installs rainwater tanks, foot-operated handwashing stations and girls' changing rooms in 85 dryland "
            'primary schools, and trains school "WASH prefects" to look after them.'
        ),
        story="AGREED, slowly maturing: delivery plus innovation, creeping from outputs toward ownership.",
        rounds=["2023-01-30", "2024-02-05", "2025-02-03", "2026-02-02"],
        course=[
            (-3.0, 2.0, 2.0, -2.5, -1.0),
            (-3.0, 2.5, 2.0, -2.0, -0.5),
            (-2.5, 2.5, 1.5, -1.5, 0.0),
            (-2.5, 3.0, 1.5, -1.0, 0.5),
        ],
        views={
            "public": view(
                (0.5, -0.5, -0.5, 0.0, 0.5),
                "Schools needed water on site. The county's role is to pick the schools and check that the tanks get installed.",
                "We like the foot-operated stations; a few other counties have come to see them.",
                "The county now pays for tank cleaning in 20 schools, a small step from outputs toward sustainability.",
                "Still a delivery partnership, but maintenance money is in the county budget for the first time.",
            ),
            "private": view(
                (-0.5, 0.5, 0.5, -0.5, 0.0),
                "Testing a cheaper ferro-cement tank alongside the plastic ones.",
                "Ferro-cement tanks are 30% cheaper but slower to build, and schools prefer plastic.",
                "Our new gutter design catches more of the short rains, which matters in Kitui.",
                "Steady. This partnership is where we test products before selling them to other counties.",
            ),
            "civil society": view(
                (0.0, 0.0, 0.0, 0.5, 0.0),
                "WASH prefects trained in 30 schools. Everyone agrees we are delivering, not lobbying.",
                "The girls' attendance data looks promising. We'll share it, but policy is not our main job here.",
                "We agree with the others: a practical partnership. Parents' associations now collect a small fee for repairs.",
                "Ownership is growing: head teachers, not us, call the tank cleaners now.",
            ),
        },
        targets={
            "joint": Target(
                (-2.0, 3.0, 1.0, 1.0, 2.0),
                "Target: the same practical profile, but with repairs paid for by the county and parents rather than the partnership.",
            ),
            "public": Target(
                (-2.5, 2.5, 0.5, 1.0, 2.5),
                "The county wants maintenance fully inside its own budget by 2028.",
            ),
            "private": Target(
                (-3.0, 3.5, 2.0, 0.0, 1.5),
                "Keep the partnership as a testing ground for products; sustainability is the county's job.",
            ),
            "civil society": Target(
                (-1.5, 3.0, 1.0, 2.0, 2.0),
                "We'd like the attendance evidence to shape the county's standards for WASH in schools.",
            ),
        },
    ),
    Partnership(
        partnership_id="el-alto-dry-toilets",
        name="El Alto Dry Toilet Services Joint Venture",
        country="Bolivia",
        region="Latin America",
        sector="Sanitation",
        arrangement="joint venture",
        partners=[
            "Gobierno Autónomo Municipal de El Alto",
            "Saneamiento Andino S.R.L.",
            "Fundación Pachamama Limpia",
            "Inversiones Sociales Illimani",
        ],
        started="2021-10-18",
        description=(
            "The municipality and a social enterprise rent urine-diverting dry toilets to households on the city's edge, "
            "collect the waste weekly and compost it. At 4,000 metres, freezing nights are a design constraint."
        ),
        story="MOVING: stays strongly innovative on delivery, but shifts from task-oriented to rules-oriented "
        "and from externally driven to locally owned.",
        rounds=["2022-09-05", "2023-09-11", "2024-09-09", "2025-09-08"],
        course=[
            (-3.5, 4.0, 3.0, -2.0, -2.5),
            (-3.0, 3.5, 2.0, -1.5, -1.5),
            (-3.0, 3.0, 0.5, -1.0, -0.5),
            (-3.0, 3.0, -0.5, -0.5, 0.5),
        ],
        views={
            "public": view(
                (0.5, -1.0, -0.5, 0.5, 0.5),
                "The municipality provides land for the composting site; the enterprise does everything else.",
                "We signed a formal JV statute. It is starting to feel like a municipal service, not a pilot.",
                "Service standards are written into the statute, and household fees are set jointly.",
                "Still innovative, but rules matter now: monthly reports to the council and a tariff agreed every year.",
            ),
            "private": view(
                (-0.5, 0.5, 0.5, -0.5, 0.0),
                "Everything was improvised: cartridge designs, collection routes, how to compost at minus ten degrees.",
                "The new cartridge survives the frost, and we now have a written operating manual.",
                "We signed procedures for collection and safety, partly because the municipality asked and partly because we grew to 1,200 households.",
                "Growth has made us more rules-bound. The innovation continues on the compost side, e.g. selling to quinoa growers.",
            ),
            "donor": view(
                (0.0, 0.5, 0.0, 0.0, -0.5),
                "We took a risk on an unproven model, which is why we put it firmly at the innovation end.",
                "Our investment committee asked for governance rules before releasing the second tranche.",
                "Patient capital, now with a board and audited accounts.",
                "The municipality's share of decisions keeps growing; we plan to sell our stake to a local pension fund.",
            ),
        },
        targets={
            "joint": Target(
                (-2.5, 2.5, -1.0, 1.5, 2.0),
                "Target: a city-scale service, locally financed, that keeps testing new ideas on reuse.",
            ),
        },
    ),
    Partnership(
        partnership_id="coastal-septage-alliance",
        name="Coastal Towns Septage Management Alliance",
        country="India",
        region="South Asia",
        sector="Faecal sludge management",
        arrangement="alliance",
        partners=[
            "State Housing and Urban Development Department",
            "Association of Coastal Municipalities",
            "Samudra Tat Sanitation Workers' Collective",
            "Bay of Bengal Urban Fund",
        ],
        started="2020-12-01",
        description=(
            "Nine coastal municipalities share septage treatment plants, emptying standards and a cyclone contingency plan. "
            "The alliance drafted the state's septage regulations, which the municipalities now enforce."
        ),
        story="STABLE and AGREED: informing policy and regulating delivery; target is very close.",
        rounds=["2023-10-16", "2024-10-21", "2025-10-20"],
        course=[
            (2.0, -3.0, -2.5, 2.0, 1.5),
            (2.0, -3.0, -2.5, 2.5, 1.5),
            (2.5, -3.0, -2.5, 2.5, 2.0),
        ],
        views={
            "public": view(
                (0.5, -0.5, -0.5, 0.0, 0.5),
                "The alliance is how the state writes and rolls out septage rules: licensing, manifests, disposal points.",
                "No change. The rules are in place and municipalities enforce them with the alliance's support.",
                "Same spot. The cyclone protocol was added, but the character of the alliance is unchanged.",
            ),
            "civil society": view(
                (0.0, 0.5, 0.5, 0.0, 0.0),
                "We represent sanitation workers; our seat is about safety standards, protective gear and insurance.",
                "Safety rules are enforced more consistently. We agree with the others on the placement.",
                "Stable. We would like more innovation, e.g. mechanised emptying for narrow lanes, but the group agrees rules come first.",
            ),
            "donor": view(
                (0.0, 0.0, 0.0, 0.5, -0.5),
                "Policy and regulation are the alliance's strength, which is why we fund it.",
                "Our review found near-total agreement among partners on roles.",
                "No movement, and nobody wants any. Our funding falls to a third of its 2021 level next year.",
            ),
            "joint": view(
                SAME,
                "Placed in under ten minutes: informing policy, regulating, rules-oriented.",
                "Agreed to keep the same placement; one member suggested we are slightly more systemic now.",
                'Consensus as before. Someone asked "are we too comfortable?" and the room laughed, then went quiet.',
            ),
        },
        targets={
            "joint": Target(
                (2.5, -2.5, -2.0, 3.0, 2.5),
                "The target barely moves: keep doing this, fund it locally, and add worker welfare to the systemic agenda.",
            ),
        },
    ),
    Partnership(
        partnership_id="ntt-hygiene-platform",
        name="East Nusa Tenggara Community Hygiene Platform",
        country="Indonesia",
        region="Southeast Asia",
        sector="Hygiene",
        arrangement="platform",
        partners=[
            "Provincial Health Office of East Nusa Tenggara",
            "Kupang Soap Cooperative",
            "Yayasan Air Bersih Timor",
            "Southern Cross WASH Facility",
        ],
        started="2019-09-09",
        description=(
            "Village health volunteers, soap makers and the provincial health office test low-cost hygiene approaches, "
            "from tippy-taps to menstrual hygiene kits, and feed the results into the provincial STBM strategy."
        ),
        story="MOVING: from donor-driven service delivery to a locally owned, innovative platform that informs policy.",
        rounds=["2022-06-20", "2023-06-19", "2024-06-24", "2025-06-23"],
        course=[
            (-2.0, 1.0, 1.0, -2.0, -2.5),
            (-0.5, 2.0, 1.0, -1.0, -1.5),
            (1.0, 2.5, 1.5, 0.0, -0.5),
            (2.0, 3.0, 1.5, 1.0, 0.5),
        ],
        views={
            "public": view(
                (0.5, -0.5, -0.5, 0.5, 0.5),
                "The platform mainly handed out handwashing stations to villages after the 2019 diarrhoea outbreak.",
                "We asked the platform to compare three hygiene approaches so that we could choose one for the province.",
                "Results on menstrual hygiene kits went into the revision of the provincial STBM strategy.",
                "Now clearly informing policy; the health office budgets for the platform's annual learning review.",
            ),
            "private": view(
                (-1.0, 1.0, 0.5, -0.5, 0.0),
                "We supplied soap. The platform was a customer, not a partner.",
                "We are co-developing a refillable soap dispenser with the volunteers, and now we feel like partners.",
                "Innovation is the platform's strength; the policy side is for the health office.",
                "Our dispenser is in the provincial procurement catalogue, so the innovation reached policy.",
            ),
            "civil society": view(
                (0.0, 0.5, 0.5, 0.5, 0.0),
                "Volunteers did the distribution work, following the donor's plan.",
                "Volunteers started running their own trials of tippy-tap designs. Much more energy.",
                "The women's groups presented their results to the provincial assembly themselves.",
                "The platform shapes the strategy now, and volunteers are paid from village funds (Dana Desa).",
            ),
            "donor": view(
                (0.5, -0.5, -0.5, 0.0, -1.0),
                "We designed the programme around the outbreak response. Externally driven, to be honest.",
                "We shifted our funding from hardware to learning and testing.",
                "The platform's evidence is better than most of what we fund elsewhere in the region.",
                "The province co-funds, but we still set too much of the agenda, hence our lower placement on ownership.",
            ),
        },
        targets={
            "joint": Target(
                (3.0, 3.5, 1.5, 2.5, 2.5),
                "Target: a province-owned platform that keeps testing and feeds the national STBM guidelines.",
            ),
            "public": Target(
                (3.5, 2.5, 1.0, 3.0, 3.0),
                "The health office wants the platform's evidence in provincial regulation, not just in the strategy.",
            ),
            "private": Target(
                (2.0, 4.5, 2.0, 2.0, 2.0),
                "We'd put the target further toward innovation: new products, tested fast.",
            ),
            "civil society": Target(
                (3.0, 3.5, 2.0, 3.0, 3.5),
                "A volunteer network paid from village funds in every district, with a say in the STBM review.",
            ),
            "donor": Target(
                (3.0, 3.0, 1.0, 2.5, 3.5),
                "Our aim is to leave: the province in charge and our name off the agenda.",
            ),
        },
    ),
]

# --------------------------------------------------------------------------
# Building rows
# --------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    """Format an axis value or spread with at most one decimal: 3, -2.5, 0.5; blank for None."""
    if value is None:
        return ""
    text = f"{round(value, 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def clamp(value: float) -> float:
    return max(AXIS_MIN, min(AXIS_MAX, value))


def blank_some(values: list[float | None], rng: random.Random) -> list[float | None]:
    """Blank about BLANK_RATE of the cells, never both delivery_policy and regulation_innovation."""
    out = list(values)
    for i in range(len(out)):
        if rng.random() < BLANK_RATE:
            out[i] = None
    if out[0] is None and out[1] is None:
        out[1] = values[1]
    return out


def placement_row(
    p: Partnership,
    date: str,
    perspective: str,
    kind: str,
    values: list[float | None],
    spread: float | None,
    note: str,
) -> dict[str, str]:
    row = {
        "partnership_id": p.partnership_id,
        "date": date,
        "perspective": perspective,
        "kind": kind,
    }
    row.update({axis: fmt(v) for axis, v in zip(AXIS_IDS, values, strict=True)})
    row["spread"] = fmt(spread)
    row["note"] = note
    return row


def build_placements(p: Partnership) -> list[dict[str, str]]:
    rng = random.Random(f"{SEED}:{p.partnership_id}")
    rows = []
    for r, date in enumerate(p.rounds):
        for perspective, v in p.views.items():
            values = [
                clamp(round(base + off + rng.uniform(-NOISE, NOISE), 1))
                for base, off in zip(p.course[r], v.offset, strict=True)
            ]
            values = blank_some(values, rng)
            spread = round(rng.uniform(0.5, 2.0) * 2) / 2 if rng.random() < SPREAD_RATE else None
            rows.append(placement_row(p, date, perspective, "actual", values, spread, v.notes[r]))
    last = p.rounds[-1]
    for perspective, t in p.targets.items():
        # The agreed (joint) target is always complete; individual targets may skip an axis.
        values = list(t.values) if perspective == "joint" else blank_some(list(t.values), rng)
        rows.append(placement_row(p, last, perspective, "target", values, None, t.note))
    return rows


def check(p: Partnership) -> None:
    """Catch authoring mistakes in the hand-written stories."""
    assert len(p.course) == len(p.rounds), p.partnership_id
    assert 3 <= len(p.rounds) <= 5 and 3 <= len(p.views) <= 4, p.partnership_id
    assert p.rounds == sorted(p.rounds) and p.started < p.rounds[0], p.partnership_id
    assert "joint" in p.targets, p.partnership_id
    assert 3 <= len(p.partners) <= 5, p.partnership_id
    generic = {"public", "private", "civil society", "donor", "joint"}
    for perspective in [*p.views, *p.targets]:
        assert perspective in generic or perspective in p.partners, (p.partnership_id, perspective)
    for perspective, v in p.views.items():
        assert len(v.notes) == len(p.rounds), (p.partnership_id, perspective)


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    for p in PARTNERSHIPS:
        check(p)
    ids = [p.partnership_id for p in PARTNERSHIPS]
    assert len(set(ids)) == len(ids), "duplicate partnership_id"

    axes_rows = [
        {"axis_id": a, "low_pole": lo, "high_pole": hi, "description": d} for a, lo, hi, d in AXES
    ]
    partnership_rows = [
        {
            "partnership_id": p.partnership_id,
            "name": p.name,
            "country": p.country,
            "sector": p.sector,
            "arrangement": p.arrangement,
            "partners": "; ".join(p.partners),
            "started": p.started,
            "description": p.description,
            "region": p.region,
        }
        for p in PARTNERSHIPS
    ]
    placement_rows = [row for p in PARTNERSHIPS for row in build_placements(p)]
    placement_rows.sort(key=lambda r: (r["partnership_id"], r["date"], r["perspective"], r["kind"]))
    notes = [r["note"] for r in placement_rows]
    assert len(set(notes)) == len(notes), "duplicate note"

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(DATA_DIR / "axes.csv", ["axis_id", "low_pole", "high_pole", "description"], axes_rows)
    write_csv(DATA_DIR / "partnerships.csv", PARTNERSHIP_COLUMNS, partnership_rows)
    write_csv(DATA_DIR / "placements.csv", PLACEMENT_COLUMNS, placement_rows)
    print(
        f"Wrote {len(axes_rows)} axes, {len(partnership_rows)} partnerships and "
        f"{len(placement_rows)} placements to {DATA_DIR}"
    )


if __name__ == "__main__":
    main()
