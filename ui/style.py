"""The app's one stylesheet, and one touch fix: what Streamlit's options cannot say.

Colours and heading sizes live in `.streamlit/config.toml`; the CSS here only lays out the
Plot page for wide and narrow screens (Present draws its own presenting styles).
"""

from __future__ import annotations

import streamlit as st

#: Streamlit stacks columns at this width and below (its `breakpoints.columns`).
STACK_WIDTH_PX = 640

CSS = f"""
<style>
/* Plot page: the map column comes first in the page (so on a phone, where columns stack,
   the map is on screen on arrival, above the sliders and the Save button); on wider
   screens the row is reversed, so the form stays on the left and the map on the right. */
@media (min-width: {STACK_WIDTH_PX + 1}px) {{
  .st-key-plot_workspace > div > [data-testid="stHorizontalBlock"] {{
    flex-direction: row-reverse; }}
}}
/* Phones: less empty space above each page's title (the header only holds the menu). */
@media (max-width: {STACK_WIDTH_PX}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; }}
}}
</style>
"""


#: Taps on a chart place and select like clicks. Plotly decides which point a click selects
#: from its hover state, and a touch screen has no hover: a tap selected the point of the
#: previous tap (or nothing, the first time). Sending Plotly a mouse move to the touched
#: spot as the touch starts updates the hover state first. Once per page load, passive.
TAP_AS_CLICK = """
<script>
(function () {
  if (window.__ppTapAsClick) { return; }
  window.__ppTapAsClick = true;
  document.addEventListener('touchstart', function (event) {
    const touch = event.touches && event.touches[0];
    const drag = event.target && event.target.closest && event.target.closest('.nsewdrag');
    if (!touch || !drag || event.touches.length !== 1) { return; }
    drag.dispatchEvent(new MouseEvent('mousemove', {
      clientX: touch.clientX, clientY: touch.clientY, bubbles: true, cancelable: true, view: window,
    }));
  }, {capture: true, passive: true});
})();
</script>
"""


def apply() -> None:
    """Add the stylesheet and the touch fix (once per run, from the entry point)."""
    st.html(CSS)
    # In the sidebar, after everything else there: it draws nothing, and takes no place
    # in the page's own flow.
    st.sidebar.html(TAP_AS_CLICK, unsafe_allow_javascript=True)
