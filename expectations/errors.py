"""Errors of the check stage. A check that could not run is an error, never a pass.

CheckError
├── RuleDefinitionError   the registry or a rule is inconsistent (duplicate id,
│                         unknown rule in a result, a failing row that yields no finding)
└── CheckSetupError       an expectation could not be evaluated (GX `exception_info`,
                          `success is None`, a missing result, truncated unexpected rows)
"""

from __future__ import annotations


class CheckError(Exception):
    """Base of the check stage's errors."""


class RuleDefinitionError(CheckError):
    """A rule definition or the registry is inconsistent."""


class CheckSetupError(CheckError):
    """GX could not evaluate an expectation; its result must not count as a pass."""
