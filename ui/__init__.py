"""The app layer shared by the pages: cached data, shared widgets (imports Streamlit)."""
