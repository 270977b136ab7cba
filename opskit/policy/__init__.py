"""The register of IT policy (SOP A): documents with versions and the ketua's decision, the
regulations that concern IT with their yearly review, and the machine-checked baseline."""
