"""Widget factories. Each returns a composed widget and never calls `display` itself, so a
test can set values, click buttons and read the feedback text."""

from .indicator_spotter import IndicatorSpotter, indicator_spotter
from .quiz import SelfCheckWidget, self_check

__all__ = ["IndicatorSpotter", "SelfCheckWidget", "indicator_spotter", "self_check"]
