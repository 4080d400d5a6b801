"""Streamlit glue shared by the pages: cached resources, language, common blocks.

Everything here is thin: it reads Streamlit state and calls plain functions from
``directory``, ``geo`` and ``i18n``. No domain logic lives in this package.
"""
