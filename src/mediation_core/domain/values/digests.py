"""The digest of a file or text the case file vouches for without holding it: a signed
agreement's PDF, the consent text an online applicant agreed to.

SHA-256 or SM3 (GB/T 32905-2016), both 256 bits, written as 64 lower-case hex digits. A file
presented later matches when its digest under the same algorithm is the one recorded.
"""

from __future__ import annotations

import enum
import hashlib
import re

from attrs import frozen


class DigestAlgorithm(enum.Enum):
    SHA256 = "sha256"
    SM3 = "sm3"

    @property
    def title_zh(self) -> str:
        return "SHA-256" if self is DigestAlgorithm.SHA256 else "SM3"


HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
"""256 bits as 64 lower-case hex digits."""


@frozen(kw_only=True)
class FileDigest:
    """A recorded digest: the algorithm and its hex value."""

    algorithm: DigestAlgorithm
    hex: str

    def problem(self) -> tuple[str, str] | None:
        """Why the recorded value is not a digest (Chinese, English), or ``None``."""
        if HEX_DIGEST.fullmatch(self.hex):
            return None
        return (
            f"{self.algorithm.title_zh} 摘要须为64位小写十六进制数",
            f"a {self.algorithm.title_zh} digest is 64 lower-case hex digits",
        )

    def matches(self, data: bytes) -> bool:
        """``data`` has this digest (SM3 needs an OpenSSL that offers it: ``ValueError`` if not)."""
        return digest_of(data, self.algorithm).hex == self.hex

    def line_zh(self) -> str:
        return f"{self.algorithm.title_zh} {self.hex}"


def digest_of(data: bytes, algorithm: DigestAlgorithm = DigestAlgorithm.SHA256) -> FileDigest:
    """The digest of ``data`` under ``algorithm``."""
    return FileDigest(algorithm=algorithm, hex=hashlib.new(algorithm.value, data).hexdigest())
