"""`[tool.qa]`: loading and validation, one module per table. `qa_actions.config` is a public import path."""

from .load import QaConfig, load_config, parse_config
from .tiers import DEFAULT_TIERS, TierConfig

__all__ = ["DEFAULT_TIERS", "QaConfig", "TierConfig", "load_config", "parse_config"]
