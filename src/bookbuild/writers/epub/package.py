"""Write stage, EPUB: the zip container, the same bytes for the same book.

ebooklib stamps each entry with the current time; the container is rewritten with the build's
timestamp (SOURCE_DATE_EPOCH), `mimetype` first and stored uncompressed as OCF requires.
"""

from __future__ import annotations

import datetime
import io
import zipfile


def reproducible_zip(data: bytes, when: datetime.datetime) -> bytes:
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = sorted(source.namelist(), key=lambda name: name != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, source.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
