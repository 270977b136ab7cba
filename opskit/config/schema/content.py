"""``content:`` and ``policy:``: the website content workflow of SOP E (what an attachment
must be to go forward, how a publication is verified) and the IT policy register of SOP A."""

from __future__ import annotations

from pydantic import Field

from opskit.config.schema.common import Section


class Content(Section):
    """Website content (SOP E, `opskit content`)."""

    procedure: str = Field(
        "content",
        description="The procedure content items follow (checks/procedures/, or "
        "procedures.directory).",
    )
    max_megabytes: float = Field(
        10, gt=0, le=1024, description="The website's upload limit: the largest file accepted."
    )
    max_files: int = Field(20, ge=1, le=200, description="Most files attached to one item.")
    max_image_pixels: int = Field(
        4000,
        ge=100,
        le=100_000,
        description="Longest side of an image, in pixels; larger photos are refused (resize "
        "them before publishing).",
    )
    min_image_pixels: int = Field(
        200, ge=1, description="Shortest side of an image, in pixels; smaller ones are refused."
    )
    min_pdf_characters: int = Field(
        20,
        ge=1,
        description="A PDF with fewer characters of text than this is taken as a scan without "
        "a text layer (refused: it cannot be searched or read aloud).",
    )
    timeout_seconds: float = Field(
        15, gt=0, le=300, description="Timeout of each request when verifying a publication."
    )


class Policy(Section):
    """The register of IT policy (SOP A, `opskit policy`)."""

    procedure: str = Field(
        "policy",
        description="The procedure policy documents follow (checks/procedures/, or "
        "procedures.directory).",
    )
    regulation_review_days: int = Field(
        365,
        ge=1,
        le=3650,
        description="The regulations that concern IT are reviewed at least this often "
        "(`opskit check policy` reminds when one is due).",
    )
