"""Course & perspectives: where one partnership has been, where it is going, who sees it how."""

import pandas as pd
import streamlit as st

import plotting as pp
from plotting import course as cr
from plotting import views
from ui import share, state

PAGE = "partnership"
PARTNERSHIP = share.COURSE_PARTNERSHIP.key
PERSPECTIVE = share.COURSE_PERSPECTIVE.key
SCALE = share.COURSE_SCALE.key
ALL_AXES_VIEW = share.COURSE_SHAPE.key
#: Widget values left out of the link.
DEFAULTS = {
    PERSPECTIVE: cr.CONSENSUS,
    SCALE: share.SCALES["course"],
    ALL_AXES_VIEW: share.SHAPES["parallel"],
}
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

ds = state.dataset()
st.title("Course & perspectives")
x_axis, y_axis = state.require_axis_pair(ds)
xs, ys = x_axis.axis_id, y_axis.axis_id
ids = ds.partnerships["partnership_id"].tolist()
if not ids:
    st.info("No partnership yet: add one on **Plot a partnership**.")
    st.stop()
names = dict(zip(ids, ds.partnerships["name"], strict=True))

# ---- which partnership, from whose perspective ------------------------------------------
# A link (?partnership=<id>&perspective=…&scale=…&shape=…, e.g. from Compare) sets the
# widgets when it says something new; after that the widgets rule, and the address
# follows them, so the view can be shared (ui/share.py).
share.restore_field(PAGE, share.COURSE_PARTNERSHIP, ids)
if st.session_state.get(PARTNERSHIP) not in ids:
    st.session_state[PARTNERSHIP] = ids[0]


c1, c2 = st.columns([3, 2])
pid = c1.selectbox("Partnership", ids, key=PARTNERSHIP, format_func=names.get)
name = names[pid]
placements = pp.partnership_placements(ds, pid)
actual = placements.loc[placements["kind"].eq("actual")]
perspectives = cr.order_perspectives(actual["perspective"])
options = [cr.CONSENSUS, *perspectives]
share.restore_field(PAGE, share.COURSE_PERSPECTIVE, options)
if st.session_state.get(PERSPECTIVE) not in options:
    st.session_state[PERSPECTIVE] = cr.CONSENSUS
perspective = c2.selectbox(
    "Perspective",
    options,
    key=PERSPECTIVE,
    format_func={
        cr.CONSENSUS: "All perspectives (their consensus)",
        **{p: p for p in perspectives},
    }.get,
    help="Whose course to follow: one partner's view, or the median of all of them.",
)
share.restore_field(PAGE, share.COURSE_SCALE, list(share.SCALES.values()))
share.restore_field(PAGE, share.COURSE_SHAPE, list(share.SHAPES.values()))
for key, default in DEFAULTS.items():
    if st.session_state.get(key) is None:
        st.session_state[key] = default
share.publish_fields(PAGE, share.COURSE_FIELDS, DEFAULTS)
info = ds.partnerships.loc[ds.partnerships["partnership_id"].eq(pid)].iloc[0]
facts = [str(info[c]) for c in ("country", "sector", "arrangement") if str(info.get(c, "") or "")]
if started := str(info.get("started", "") or ""):
    facts.append(f"started {started}")  # as written: 2019, 2019-03 or 2019-03-14
partners = str(info.get("partners", "") or "").replace(";", ",")
st.caption(pp.markdown_text(" · ".join(facts) + (f" — partners: {partners}" if partners else "")))
if actual.empty:
    st.info(f"{pp.markdown_text(name)} has no placement yet. Place it on **Plot a partnership**.")
    st.stop()


def first_sentence(text: str) -> str:
    """A chart's short description for screen readers: its summary's first sentence."""
    return text.split(". ", 1)[0].rstrip(".") + "."


def in_words(text: str) -> None:
    """The chart's one-paragraph summary, shown as plain text."""
    st.markdown("**In words.** " + pp.markdown_text(text))


def dated(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as plain dates, for tables."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


axis_names = {a.axis_id: a.label for a in ds.axes}

# ---- course ---------------------------------------------------------------------------------
st.header("Course: where it has been and where it is going")
course = cr.perspective_course(placements, perspective, [xs, ys])
target = cr.course_target(placements, perspective, [xs, ys])
changes = cr.axis_changes(placements, perspective, ds.axes)
summary = cr.course_summary(course, target, x_axis, y_axis, name=name, perspective=perspective)
left, right = st.columns([3, 2], gap="large")
with left:
    scale = st.segmented_control(
        "Map scale",
        list(share.SCALES.values()),
        key=SCALE,
        required=True,
        help="Zoom to course: the map frames where the partnership moved and its target. "
        "Full scale: the whole −5…+5 map, as on the other pages.",
    )
    fig = views.course_map(
        course,
        x_axis,
        y_axis,
        target=target,
        perspective=perspective,
        name=name,
        order=ds.perspectives,
        height=600,
        zoom=scale != share.SCALES["full"],
    )
    st.plotly_chart(fig, key="cp_course_chart", config=CHART_CONFIG, alt=first_sentence(summary))
with right:
    m1, m2, m3 = st.columns(3)
    for box, label, column, helptext in (
        (m1, "Since previous", "since_previous", "How far it moved since the previous placement"),
        (m2, "Since first", "since_first", "How far it moved since the first placement"),
        (m3, "To target", "to_target", "How far the latest placement is from the target"),
    ):
        dist = cr.overall_change(changes, column)
        box.metric(
            label,
            str(dist),
            help=f"{helptext}: the straight-line distance across the "
            f"{dist.n_axes} axes that have one, in axis units.",
        )
    st.caption(
        f"Straight-line distances across all the axes placed, in axis units; the map "
        f"shows two of the {len(ds.axes)}."
    )
    st.markdown("**Axis by axis**")
    st.markdown(
        "\n".join(
            f"- **{pp.markdown_text(label)}**: {pp.markdown_text(text)}."
            for label, text in cr.course_points(changes, ds.axes)
        )
    )
in_words(summary)
with st.expander("Table: the course, axis by axis"):
    table = changes.drop(columns=["axis_id"]).rename(
        columns={
            "axis": "Axis",
            "n": "Placements",
            "first_date": "First",
            "first": "First value",
            "previous_date": "Previous",
            "previous": "Previous value",
            "latest_date": "Latest",
            "latest": "Latest value",
            "spread": "Uncertainty (±)",
            "since_previous": "Since previous",
            "since_first": "Since first",
            "target_perspective": "Target of",
            "target_date": "Target set",
            "target": "Target value",
            "to_target": "Still to go",
        }
    )
    st.dataframe(dated(table), hide_index=True, width="stretch")
    st.caption(
        "Positive changes are toward the right-hand pole of the axis (+5), "
        "negative toward the left (−5)."
    )
    if len(course):
        on_map = course[["date", xs, ys, "note"]].rename(
            columns={**axis_names, "date": "Date", "note": "Note"}
        )
        st.dataframe(dated(on_map), hide_index=True, width="stretch")

# ---- perspectives ---------------------------------------------------------------------------
st.header("Perspectives: who sees it differently")
positions = cr.perspective_positions(placements, [xs, ys])
latest_views = cr.latest_views(placements, ds.axis_ids)
per_axis = cr.divergence(latest_views, ds.axes)
summary = cr.perspectives_summary(
    latest_views,
    per_axis,
    ds.axes,
    name=name,
    map_positions=positions,
    map_axes=(x_axis, y_axis),
)
left, right = st.columns([3, 2], gap="large")
with left:
    fig = views.perspectives_map(
        positions, x_axis, y_axis, name=name, order=ds.perspectives, height=600
    )
    st.plotly_chart(
        fig, key="cp_perspectives_chart", config=CHART_CONFIG, alt=first_sentence(summary)
    )
with right:
    overall = cr.overall_divergence(per_axis)
    top = per_axis.dropna(subset=["divergence"]).sort_values("divergence", ascending=False)
    m1, m2 = st.columns(2)
    m1.metric("Perspectives", len(latest_views))
    m2.metric(
        "Divergence",
        "–" if pd.isna(overall) else f"{overall:.2f}",
        help="The average distance of the perspectives from their consensus (the median), "
        "per axis, averaged over the axes: 0 means they agree exactly.",
    )
    if len(top):
        st.markdown(
            f"They **{cr.agreement_phrase(overall)}** overall, and differ most on "
            f"**{pp.markdown_text(top.iloc[0]['axis'])}**."
        )
    st.dataframe(
        per_axis[["axis", "divergence"]].rename(
            columns={"axis": "Axis", "divergence": "Divergence"}
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Axis": st.column_config.TextColumn(width="medium"),
            "Divergence": st.column_config.ProgressColumn(
                format="%.2f",
                min_value=0.0,
                max_value=max(2.0, float(per_axis["divergence"].fillna(0).max())),
            ),
        },
    )
    st.caption(
        "Divergence: the average distance of the views from their consensus on that axis, "
        "in axis units (0 = they agree exactly)."
    )
in_words(summary)
with st.expander("Table: consensus and divergence, axis by axis"):
    st.dataframe(
        per_axis.assign(
            where=[
                cr.position_phrase(a, v)
                for a, v in zip(ds.axes, per_axis["consensus"], strict=True)
            ]
        )[["axis", "where", "divergence", "range", "low", "high", "within_uncertainty"]].rename(
            columns={
                "axis": "Axis",
                "where": "Consensus",
                "divergence": "Divergence",
                "range": "Range",
                "low": "Furthest toward left pole",
                "high": "Furthest toward right pole",
                "within_uncertainty": "Within stated uncertainty",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Divergence": st.column_config.NumberColumn(format="%.2f"),
            "Range": st.column_config.NumberColumn(format="%.1f"),
        },
    )
with st.expander("Table: each perspective's latest placement"):
    if len(latest_views) >= 2:
        centre = cr.consensus(latest_views, ds.axis_ids)
        latest_table = latest_views.assign(
            **{"Distance to consensus": cr.distances_to(latest_views, centre, ds.axis_ids)}
        )
    else:
        latest_table = latest_views
    st.dataframe(
        dated(
            latest_table.rename(
                columns={**axis_names, "date": "Latest", "spread": "Uncertainty (±)"}
            )
        ),
        width="stretch",
    )
    st.caption(
        "Each axis takes the perspective's latest value on it; on the map, a perspective "
        "stands at its latest placement with both of the map's axes."
    )

# ---- over time ------------------------------------------------------------------------------
st.header("Over time")
frames = cr.partnership_over_time(placements, xs, ys)
summary = cr.partnership_animation_summary(frames, x_axis, y_axis, name=name)
st.markdown(
    "Press **▶ Play** to watch each perspective, and their consensus (the cross), move "
    "from one assessment to the next; drag the slider to stop at a date. The faint lines "
    "are the trails of where they have been."
)
fig = views.time_animation(frames, x_axis, y_axis, order=ds.perspectives, height=600)
st.plotly_chart(fig, key="cp_time_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: positions on each date"):
    if len(frames):
        long = frames.assign(key=frames["key"].replace({cr.CONSENSUS: "consensus"}))
        st.dataframe(
            dated(
                long.rename(
                    columns={
                        **axis_names,
                        "frame": "Date",
                        "key": "Perspective",
                        "placed": "Placed on",
                    }
                )
            ),
            hide_index=True,
            width="stretch",
        )

# ---- all axes -------------------------------------------------------------------------------
st.header("All axes at once")
shape = (
    st.segmented_control(
        "Show as",
        list(share.SHAPES.values()),
        key=ALL_AXES_VIEW,
        required=True,
        help="Parallel axes: each axis is a vertical line from its left pole (bottom) to its right "
        "pole (top). Radar: the rim is each axis' right-hand pole.",
    )
    or "Parallel axes"
)
profiles = latest_views[ds.axis_ids].reset_index().rename(columns={"perspective": "key"})
profiles["label"] = profiles["key"]
if len(latest_views) >= 2:
    centre = cr.consensus(latest_views, ds.axis_ids)
    profiles = pd.concat(
        [profiles, pd.DataFrame([{**centre.to_dict(), "key": cr.CONSENSUS, "label": "consensus"}])],
        ignore_index=True,
    )
comparison = cr.median_comparison(ds)
summary = cr.profiles_summary(latest_views, ds.axes, what="the perspectives")
summary = f"{summary} {cr.compared_with_median(comparison, pid, ds.axes)}".strip()
build = views.parallel_chart if shape == "Parallel axes" else views.radar_chart
fig = build(profiles, ds.axes, order=ds.perspectives, height=540)
st.plotly_chart(fig, key="cp_all_axes_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: every axis, by perspective"):
    st.dataframe(
        profiles.drop(columns=["key"]).set_index("label").rename(columns=axis_names),
        width="stretch",
    )
