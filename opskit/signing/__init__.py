"""Electronic signatures on documents (UU 11/2008): PAdES through pyHanko.

A document is signed by its signers in the order the config gives its
signature blocks (``reports.signatures``), each signature added as an
incremental update so the earlier ones stay valid. The signed copy is kept
in the archive apart from the rendered one, with a signature sheet at the
end and a QR code on every page leading to the public verification page.
Without a signing key nothing changes: documents keep their blocks for a
handwritten signature.
"""
