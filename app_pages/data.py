"""Data: import spreadsheets, edit the tables, see the history and undo, export."""

import hashlib
from functools import partial

import streamlit as st

import plotting as pp
from plotting import changes, importer, spreadsheets
from plotting.model import AXES_FILE, PARTNERSHIPS_FILE, PLACEMENTS_FILE
from plotting.text import markdown_text
from plotting.validation import PARTIAL_DATE_HINT, PARTIAL_DATE_INPUT_RE
from ui import state
from ui.exports import download, show_failures

EDIT = "edit_snapshot"
IMPORTED = "imp_done"  # {"message": ...} once an import is written; shown at the end of the page
ds = state.dataset()
folder = state.data_dir()
st.title("Data")
st.caption(
    "Bring data in from a spreadsheet, fix it here, undo a mistake, or take it away. "
    "Every change is checked like the files themselves and recorded in the history."
)
# Both always take their place (empty or not), so that the tabs below keep theirs: moved,
# the tabs would be drawn anew and close the open one (after a save, the Edit tab).
with st.container():
    state.show_problems(ds.problems)
if flash := st.session_state.pop("data_flash", None):
    st.container().success(flash, icon=":material/check_circle:")
else:
    st.container()


def _dataset_zip(folder) -> bytes:
    return spreadsheets.to_zip_of_csv(spreadsheets.dataset_frames(folder))


def _dataset_xlsx(folder) -> bytes:
    frames = spreadsheets.dataset_frames(folder)
    return spreadsheets.to_xlsx_bytes({n.removesuffix(".csv"): f for n, f in frames.items()})


def problems_table(problems: list[pp.Problem]) -> None:
    st.dataframe(state.problems_frame(problems), hide_index=True, width="stretch")


tab_import, tab_edit, tab_history, tab_export = st.tabs(["Import", "Edit", "History", "Export"])

# ---- import ---------------------------------------------------------------------------
with tab_import:
    upload = st.file_uploader(
        "A CSV or Excel (.xlsx) file",
        type=["csv", "xlsx", "txt", "tsv"],
        key=f"imp_file_{st.session_state.get('imp_gen', 0)}",
        help="Comma, semicolon or tab separated; UTF-8 or Windows encodings; up to 20 MB.",
    )
    if upload is None:
        st.info(
            "Upload a sheet of placements (one row per partnership, date and perspective, one "
            "column per axis), of partnerships, or a flat sheet with both. You will map its "
            "columns and see a preview before anything is written."
        )
    else:
        data = upload.getvalue()
        tag = hashlib.sha1(data).hexdigest()[:8]  # noqa: S324 - a widget-key tag, not security
        try:
            source = importer.read_source(upload.name, data)
        except importer.ImportFileError as err:
            st.error(markdown_text(err), icon=":material/error:")
            st.stop()
        for note in source.notes:
            st.caption(markdown_text(note))
        with st.expander(f"The file as read ({len(source.frame)} rows)"):
            st.dataframe(source.frame.head(200), width="stretch")

        st.header("Map the columns")
        saved = importer.load_mappings(folder)
        guess = importer.guess_mapping(list(source.frame.columns), ds.axes)
        if saved:
            use = st.selectbox(
                "Start from a saved mapping",
                ["(guess from the headers)", *saved],
                key=f"imp_saved_{tag}",
            )
            if use in saved:
                guess = {k: v for k, v in saved[use].items() if v in source.frame.columns}
        fields = [
            ("partnership_id", "Partnership id"),
            ("name", "Partnership name"),
            ("date", "Date"),
            ("perspective", "Perspective"),
            ("kind", "Kind (actual/target)"),
            ("note", "Rationale"),
            ("spread", "Uncertainty (spread)"),
            *[(a.axis_id, markdown_text(a.label)) for a in ds.axes],
            ("country", "Country"),
            ("sector", "Sector"),
            ("arrangement", "Arrangement"),
            ("partners", "Partners"),
            ("started", "Started"),
            ("description", "Description"),
        ]
        options = ["", *source.frame.columns]
        option_labels = {**{o: o for o in options}, "": "— not in the file —"}
        mapping: dict[str, str] = {}
        cols = st.columns(4)
        for i, (fld, label) in enumerate(fields):
            default = guess.get(fld, "")
            mapping[fld] = cols[i % 4].selectbox(
                label,
                options,
                index=options.index(default) if default in options else 0,
                key=f"imp_map_{fld}_{tag}",
                format_func=option_labels.get,
            )
        mapped = {c for c in mapping.values() if c}
        unmapped = [c for c in source.frame.columns if c not in mapped]
        if unmapped:
            st.markdown(
                "**Not imported:** " + markdown_text(", ".join(unmapped)),
                help="Columns of the file that no field above reads. Their cells are left "
                "out unless you keep them as extra columns.",
            )
            keep = st.multiselect(
                "Keep as extra columns of partnerships.csv",
                unmapped,
                default=[
                    c for k, c in guess.items() if k.startswith(importer.EXTRA) and c in unmapped
                ],
                key=f"imp_keep_{tag}",
                placeholder="Choose columns to keep",
                help="Extra columns hold one value per partnership (e.g. budget, lead "
                "officer) and can colour the maps. placements.csv takes only the axis "
                "columns, so values that differ from row to row of one partnership are "
                "reported as a problem.",
            )
            st.caption(
                "Kept columns go to partnerships.csv under the file's header, one value per "
                "partnership; placements.csv holds only the axis columns."
            )
            mapping.update({importer.EXTRA + c: c for c in keep})
        c1, c2, c3 = st.columns([1, 1, 2])
        default_kind = c1.selectbox("Kind when not given", pp.KINDS, key=f"imp_kind_{tag}")
        default_persp = c2.text_input("Perspective when not given", key=f"imp_persp_{tag}")
        with c3.popover("Save this mapping", icon=":material/bookmark_add:"):
            name = st.text_input(
                "Name", key=f"imp_mapname_{tag}", placeholder="e.g. County survey 2025"
            )
            if st.button("Save mapping", key=f"imp_mapsave_{tag}", disabled=not name.strip()):
                importer.save_mapping(folder, name.strip(), mapping)
                st.toast(f"Saved the mapping “{markdown_text(name.strip())}”.")

        plan = importer.plan_import(
            folder,
            source,
            mapping,
            default_kind=default_kind,
            default_perspective=default_persp.strip(),
        )
        st.header("Preview")
        m = st.columns(4)
        m[0].metric("New partnerships", len(plan.new_partnerships))
        m[1].metric("Changed partnerships", len(plan.changed_partnerships))
        m[2].metric("New placements", len(plan.new_placements))
        m[3].metric(
            "Duplicates",
            len(plan.duplicates),
            help="Placements with the same partnership, date, perspective and kind "
            "as one already in the data.",
        )
        # Surprises first, where they are seen: nothing is written until they are confirmed.
        for text in plan.confirmations:
            st.warning(markdown_text(text), icon=":material/warning:")
        for note in plan.notes[len(source.notes) :]:
            st.caption(markdown_text(note))
        if plan.warnings:
            with st.expander(
                f"{len(plan.warnings)} cell(s) cleaned or to check",
                expanded=len(plan.warnings) <= 10,
                icon=":material/warning:",
            ):
                st.caption(
                    "Characters nobody types on purpose (e.g. U+0007) were removed, and cells "
                    "of only invisible characters read as blank; the rest is imported. Cells "
                    "that a spreadsheet would run as a formula (=, +, -, @) are imported as "
                    "written: check them."
                )
                st.dataframe(
                    state.problems_frame(plan.warnings).rename(columns={"Problem": "Cleaned"}),
                    hide_index=True,
                    width="stretch",
                )
        if plan.problems:
            st.error(
                f"{len(plan.problems)} problem(s) — fix the file or the mapping; "
                "nothing will be written until they are gone.",
                icon=":material/error:",
            )
            problems_table(plan.problems)
        if plan.new_partnerships:
            with st.expander(f"New partnerships ({len(plan.new_partnerships)})", expanded=True):
                st.dataframe(
                    importer.table_of(plan.new_partnerships), hide_index=True, width="stretch"
                )
        changed_cells = plan.cell_changes("skip")
        if changed_cells:
            with st.expander(
                f"Changes to existing partnerships: {plan.change_summary('skip')}",
                expanded=True,
            ):
                st.caption(
                    "Each cell that changes, before → after. Blank cells in the file "
                    "never erase what is stored."
                )
                st.dataframe(
                    importer.changes_table(changed_cells)
                    .drop(columns="File")
                    .rename(columns={"Row": "Partnership"}),
                    hide_index=True,
                    width="stretch",
                )
        if plan.new_placements:
            with st.expander(
                f"New placements ({len(plan.new_placements)})", expanded=not plan.problems
            ):
                st.dataframe(
                    importer.table_of(plan.new_placements), hide_index=True, width="stretch"
                )
        on_duplicate = "skip"
        if plan.duplicates:
            with st.expander(f"Duplicates ({len(plan.duplicates)})", expanded=True):
                st.dataframe(
                    importer.table_of([n for _, n in plan.duplicates]),
                    hide_index=True,
                    width="stretch",
                )
                on_duplicate = st.radio(
                    "Duplicates",
                    ["skip", "replace"],
                    horizontal=True,
                    key=f"imp_dup_{tag}",
                    format_func={
                        "skip": "Keep what is in the data (skip these)",
                        "replace": "Replace with the file's values",
                    }.get,
                )
        if on_duplicate == "replace" and (
            replaced := [c for c in plan.cell_changes("replace") if c.file == PLACEMENTS_FILE]
        ):
            st.caption(
                f"Replacing changes {len(replaced)} cell(s) of existing placements, before → after:"
            )
            st.dataframe(
                importer.changes_table(replaced)
                .drop(columns="File")
                .rename(columns={"Row": "Placement"}),
                hide_index=True,
                width="stretch",
            )
        confirmed = True
        if plan.confirmations and plan.ok:
            digest = hashlib.sha1("\n".join(plan.confirmations).encode()).hexdigest()[:8]  # noqa: S324
            confirmed = st.checkbox(
                "I checked: import anyway",
                key=f"imp_confirm_{tag}_{digest}",
                help="Import even though the warning above the preview says it would rename "
                "or duplicate partnerships. Or change the mapping until the warning is gone.",
            )
        nothing = plan.nothing_to_import(on_duplicate) if plan.ok else ""
        if nothing:
            st.info(f"Nothing to import: {markdown_text(nothing)}.", icon=":material/info:")
        if st.button(
            f"Import: {plan.summary(on_duplicate)}",
            type="primary",
            key=f"imp_go_{tag}",
            disabled=not plan.ok or not plan.ops(on_duplicate) or not confirmed,
            icon=":material/upload:",
        ):
            # A plain dict, taken before the write: filling it after the write touches no
            # Streamlit state, so a rerun that cuts this run short cannot lose the news.
            done = st.session_state.setdefault(IMPORTED, {})
            try:
                change = importer.commit_import(
                    folder, plan, on_duplicate=on_duplicate, user=state.user(), confirmed=confirmed
                )
            except changes.StaleDataError as err:
                st.warning(
                    f"{markdown_text(err)}. The preview above is now up to date: check it and "
                    "import again."
                )
            except (changes.ConflictError, pp.DataError) as err:
                st.error(
                    "Not imported: "
                    + markdown_text(
                        err
                        if isinstance(err, changes.ConflictError)
                        else "the result would make the data invalid."
                    )
                )
                problems_table(getattr(err, "problems", []))
            else:
                done["message"] = (
                    f"Imported {markdown_text(upload.name)}: {plan.summary(on_duplicate)}. "
                    f"Undo it from the History tab (change {change.change_id})."
                )
                state.refresh()
                st.session_state.pop(EDIT, None)

# ---- edit -----------------------------------------------------------------------------
with tab_edit:
    which = (
        st.segmented_control(
            "Table",
            [PARTNERSHIPS_FILE, AXES_FILE, PLACEMENTS_FILE],
            default=PARTNERSHIPS_FILE,
            key="edit_which",
            format_func={
                PARTNERSHIPS_FILE: "Partnerships",
                AXES_FILE: "Axes",
                PLACEMENTS_FILE: "Placements",
            }.get,
        )
        or PARTNERSHIPS_FILE
    )
    focus = None
    if which == PLACEMENTS_FILE:
        ids = ds.partnerships["partnership_id"].tolist()
        names = dict(zip(ids, ds.partnerships["name"], strict=True))
        focus = st.selectbox("Placements of", ids, key="edit_focus", format_func=names.get)
    wanted = (which, focus)
    snap = st.session_state.get(EDIT)
    if snap is None or snap["what"] != wanted:
        tables = changes.load_tables(folder)
        table = tables[which]
        if which == PLACEMENTS_FILE:
            table = table.subset(
                [i for i, r in enumerate(table.rows) if r.get("partnership_id") == focus]
            )
        snap = {
            "what": wanted,
            "table": table,
            "signature": pp.data_signature(folder),
            # A fresh editor key per snapshot: no edit state carries over to other data.
            "gen": st.session_state.get("edit_gen", 0) + 1,
        }
        st.session_state["edit_gen"] = snap["gen"]
        st.session_state[EDIT] = snap
    table = snap["table"]
    stale = pp.data_signature(folder) != snap["signature"]
    warning = st.empty()  # filled once the edits are known
    st.caption(
        "Double-click a cell to edit it; add rows at the bottom; select rows and press Delete "
        "to remove them. Nothing is written until you save."
    )
    edited = st.data_editor(
        table.frame(),
        num_rows="dynamic",
        width="stretch",
        key=f"editor_{snap['gen']}",
        disabled=["partnership_id"] if which == PLACEMENTS_FILE else False,
        column_config={
            # Text, not a date: a start is kept as written, as precisely as it is known.
            "started": st.column_config.TextColumn(
                "started",
                help=f"When it started: {PARTIAL_DATE_HINT}.",
                validate=PARTIAL_DATE_INPUT_RE,
            )
        }
        if which == PARTNERSHIPS_FILE
        else None,
    )
    ops = changes.table_ops(which, table, edited)
    if stale and not ops:
        # Nothing edited yet: quietly show the newer data instead of warning.
        st.session_state.pop(EDIT, None)
        st.rerun()
    if stale and (clash := changes.conflict(folder, ops)) is not None:
        # Only rows someone else changed or removed since stand in the way; their
        # additions and edits of other rows do not.
        what = (
            f"changed or removed {clash.rows} of the rows you edited"
            if clash.rows
            else "changed the columns of this table"
        )
        warning.warning(
            f"Someone else {what} since you opened this table: saving now would be "
            "refused. Press *Reload / discard* to see their change, then edit again.",
            icon=":material/sync_problem:",
        )
    removed_ids = [
        o.before["partnership_id"]
        for o in ops
        if which == PARTNERSHIPS_FILE and o.after is None and o.before
    ]
    confirm = True
    if removed_ids:
        full = changes.load_tables(folder)
        n = sum(changes.placements_of(full, pid) for pid in removed_ids)
        if n:
            confirm = st.checkbox(
                f"Also delete the {n} placement(s) of {markdown_text(', '.join(removed_ids))}",
                key=f"edit_confirm_{snap['gen']}",
            )
    c1, c2, _ = st.columns([1, 1, 3])
    save = c1.button(
        f"Save {len(ops)} change(s)",
        type="primary",
        disabled=not ops or not confirm,
        icon=":material/save:",
        key="edit_save",
    )
    if c2.button("Reload / discard", icon=":material/refresh:", key="edit_reload"):
        st.session_state.pop(EDIT, None)
        st.rerun()
    if save:
        edited_rows = len(ops)
        full = changes.load_tables(folder)
        if which == PARTNERSHIPS_FILE:
            ops += changes.partnership_cascade(full, ops)
        elif which == AXES_FILE:
            ops += changes.axis_cascade(full, ops)
        try:
            change = changes.commit(
                folder, ops, action=f"Edited {which}", user=state.user(), expected=snap["signature"]
            )
        except changes.StaleDataError as err:
            st.error(f"Not saved: {markdown_text(err)}.", icon=":material/sync_problem:")
        except changes.ConflictError as err:
            st.error(f"Not saved: {markdown_text(err)}.")
        except pp.DataError as err:
            st.error("Not saved: the change would make the data invalid.", icon=":material/error:")
            problems_table(err.problems)
        else:
            state.refresh()
            st.session_state.pop(EDIT, None)
            follow = len(change.ops) - edited_rows
            st.session_state["data_flash"] = (
                f"Saved {edited_rows} change(s)"
                + (f", and {follow} related row(s) to keep references consistent" if follow else "")
                + f" (change {change.change_id}; undo it from the History tab)."
            )
            st.rerun()

# ---- history --------------------------------------------------------------------------
with tab_history:
    history = changes.change_history(folder)
    if history.empty:
        st.info(
            "No changes recorded yet. Saves, edits and imports made in the app or on the "
            "command line appear here, and each can be undone."
        )
    else:
        st.dataframe(
            history,
            hide_index=True,
            width="stretch",
            column_config={"undone": st.column_config.CheckboxColumn("undone")},
        )
        pick = st.selectbox(
            "Change to undo",
            history["change"].tolist(),
            # Keyed by the newest change, so that a new change brings the choice back to it.
            key=f"hist_pick_{history['change'].iloc[0]}",
            format_func=dict(
                zip(history["change"], history["time"] + " · " + history["action"], strict=True)
            ).get,
        )
        if st.button("Undo this change", icon=":material/undo:", key="hist_undo"):
            try:
                done = changes.undo(folder, pick, user=state.user())
            except (changes.ConflictError, pp.DataError, KeyError) as err:
                st.error(f"Cannot undo: {markdown_text(err)}")
            else:
                state.refresh()
                st.session_state.pop(EDIT, None)
                st.session_state["data_flash"] = f"Undone (recorded as change {done.change_id})."
                st.rerun()

# ---- export ---------------------------------------------------------------------------
with tab_export:
    st.caption(
        "The whole dataset, exactly as stored, made safe for spreadsheets: text that starts "
        "with =, +, -, @ is prefixed with an apostrophe so it can never run as a formula. "
        "The Portfolio page exports the filtered view."
    )
    # Made on click, not on every rerun, and the click does not rerun the page (so no
    # rerun can drop the file); a failure is shown here (see ui/exports.py).
    show_failures("exp_zip", "exp_xlsx")
    c1, c2 = st.columns(2)
    with c1:
        download(
            "Dataset as CSV files (.zip)",
            partial(_dataset_zip, folder),
            file_name="plotting-partnerships.zip",
            mime="application/zip",
            icon=":material/folder_zip:",
            key="exp_zip",
            what="The dataset's zip of CSV files",
        )
    with c2:
        download(
            "Dataset as Excel (.xlsx)",
            partial(_dataset_xlsx, folder),
            file_name="plotting-partnerships.xlsx",
            icon=":material/table:",
            key="exp_xlsx",
            what="The dataset's Excel file",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

# ---- after an import --------------------------------------------------------------------
# Said last, once the Edit tab above holds the imported data: until then the browser still
# shows the editor of the data before the import, and an edit made there is lost when that
# editor is replaced. A user who edits as soon as the message appears edits the new one.
if (imported := st.session_state.get(IMPORTED)) is not None:
    if "message" in imported:
        # A new uploader key clears the file on the next run, so the preview does not
        # linger (no st.rerun here: it would also reset the table editor).
        st.session_state["imp_gen"] = st.session_state.get("imp_gen", 0) + 1
        tab_import.success(imported["message"], icon=":material/check_circle:")
    st.session_state.pop(IMPORTED, None)
