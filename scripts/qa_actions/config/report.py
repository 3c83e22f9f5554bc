"""`[tool.qa.report]`: how the report reaches GitHub (PR comment, check runs, retries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CommentMode = Literal["always", "changes", "failures", "off"]
COMMENT_MODES: tuple[CommentMode, ...] = ("always", "changes", "failures", "off")


@dataclass
class ReportConfig:
    """Publishing settings; the CLI options of `qa publish` override the comment ones."""

    comment_mode: CommentMode = "always"
    comment_key: str | None = None  # what the hidden marker identifies; default `<workflow>:<job>[:<project key>]`
    check_runs: bool = True
    check_prefix: str | None = None  # check runs are `<prefix> / <tier>`; default `qa`, `qa / <project key>`
    retries: int = 5  # per GitHub request, for 5xx answers and rate limits
    retry_backoff: float = 1.0  # seconds before the second retry, doubling after each
    max_retry_wait: float = 300  # the longest Retry-After or rate-limit reset honoured, in seconds
    write_interval: float = 1.0  # seconds between write requests, as GitHub asks to avoid secondary rate limits

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("`retries` must be 0 or more")
        if min(self.retry_backoff, self.max_retry_wait, self.write_interval) < 0:
            raise ValueError("`retry-backoff`, `max-retry-wait` and `write-interval` must be 0 or more seconds")
        if self.check_prefix is not None and not self.check_prefix.strip():
            raise ValueError("`check-prefix` must not be empty")
        if self.comment_key is not None and not self.comment_key.strip():
            raise ValueError("`comment-key` must not be empty")
