"""Widget factories. Each returns a composed widget and never calls `display` itself, so a
test can set values, click buttons and read the feedback text."""

from .indicator_spotter import IndicatorSpotter, indicator_spotter
from .progress import confidence_check, finish_module, progress_panel
from .quiz import SelfCheckWidget, self_check
from .route_finder import route_finder
from .scenario import scenario_player

__all__ = [
    "IndicatorSpotter",
    "SelfCheckWidget",
    "confidence_check",
    "finish_module",
    "indicator_spotter",
    "progress_panel",
    "route_finder",
    "scenario_player",
    "self_check",
]
