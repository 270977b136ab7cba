"""Website content (SOP E): items moved through the content procedure, their text versions,
the check of their documents (E2), the verification of the published page (E6) and the
archive (E7)."""
