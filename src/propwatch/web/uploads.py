"""Uploaded article files: the multipart form of `/v1/analyze/file`, read in memory.

Starlette spools a file part over 1 MB to a temporary file on disk; a draft that was not asked
to be kept must not touch the disk, so the parts stay in memory here, bounded by the route's
body limit (`BodyLimit` refuses a body over it before it is read whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from propwatch.errors import BadInput
from propwatch.ingest import sources

MAX_BYTES = sources.MAX_BYTES + 2**16  # the file itself, plus the multipart framing
MAX_NAME_CHARS = 200
FILE_DESCRIPTION = "A .txt or .html article, up to 10 MB."
SAVE_DESCRIPTION = "Keep the analysis (see /v1/analyze)."
MIN_CONFIDENCE_DESCRIPTION = "Spans from this confidence up (see /v1/analyze)."

# The request body as OpenAPI says it: what `read_upload` accepts, no more (a form field has no
# null: leave min_confidence out for the model's threshold).
REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "contentMediaType": "application/octet-stream",
                        "description": FILE_DESCRIPTION,
                    },
                    "save": {"type": "boolean", "default": False, "description": SAVE_DESCRIPTION},
                    "min_confidence": {
                        "type": "number",
                        "minimum": 0.0,
                        "maximum": 1.0,
                        "description": MIN_CONFIDENCE_DESCRIPTION,
                    },
                },
            }
        }
    },
}


class InMemoryParser(MultiPartParser):
    """Starlette's multipart parser, whose file parts never roll over to disk."""

    spool_max_size = MAX_BYTES


class UploadOptions(BaseModel):
    save: bool = False
    min_confidence: float | None = Field(None, ge=0.0, le=1.0)


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str
    content_type: str | None
    options: UploadOptions


async def read_upload(request: Request) -> Upload:
    """The uploaded file and the form's options, or the API error that says what is wrong."""
    if request.headers.get("content-type", "").split(";", 1)[0].strip().lower() != (
        "multipart/form-data"
    ):
        raise BadInput("send the article as multipart/form-data with a file field named file")
    try:
        form = await InMemoryParser(request.headers, request.stream(), max_files=1).parse()
    except MultiPartException as error:
        raise BadInput(f"the form could not be read ({error.message}); send one file") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BadInput("file: send the article as a file part named file")
        data = await file.read(sources.MAX_BYTES + 1)
        options = _options({key: form.get(key) for key in UploadOptions.model_fields})
        name = PurePath(file.filename or "upload").name[:MAX_NAME_CHARS] or "upload"
        return Upload(data, name, file.content_type, options)
    finally:
        await form.close()


def _options(fields: dict[str, Any]) -> UploadOptions:
    given = {key: value for key, value in fields.items() if value not in (None, "")}
    try:
        return UploadOptions.model_validate(given)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from None
