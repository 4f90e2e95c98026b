"""The state of each step for one trainee: done, open or locked, and why.

Pure: it takes rows already read from the database and returns plain data.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class StepRow:
    id: int
    key: UUID  # translation key: the same for every translation of the step
    title: str
    url: str
    kind: str  # "lesson", "quiz", "assignment"
    module_path: str
    minutes: int


@dataclass(frozen=True)
class ModuleRow:
    id: int
    key: UUID
    title: str
    url: str
    path: str
    unlock_in_order: bool


@dataclass
class StepState:
    row: StepRow
    done: bool
    locked: bool
    locked_reason: str = ""
    current: bool = False

    @property
    def state(self) -> str:
        if self.current:
            return "current"
        if self.done:
            return "done"
        return "locked" if self.locked else "open"


@dataclass
class ModuleState:
    row: ModuleRow
    steps: list[StepState] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def percent(self) -> int:
        return percent(self.done_count, len(self.steps))


@dataclass
class Outline:
    modules: list[ModuleState]
    steps: list[StepState]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def next_step(self) -> StepState | None:
        """Where to continue: the first step not done that is open."""
        return next((s for s in self.steps if not s.done and not s.locked), None)

    def neighbours(self, key: UUID) -> tuple[StepState | None, StepState | None]:
        keys = [s.row.key for s in self.steps]
        if key not in keys:
            return None, None
        i = keys.index(key)
        previous = self.steps[i - 1] if i > 0 else None
        following = self.steps[i + 1] if i + 1 < len(self.steps) else None
        return previous, following


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down: 100 only when everything is done."""
    if total <= 0:
        return 0
    return min(100, done * 100 // total)


def build_outline(
    *,
    modules: list[ModuleRow],
    steps: list[StepRow],
    done_keys: set[UUID],
    blocked_by: list[str] = (),
    current_key: UUID | None = None,
) -> Outline:
    """Each step's state. ``blocked_by`` names unfinished prerequisite courses."""
    by_module = {module.path: ModuleState(row=module) for module in modules}
    ordered: list[StepState] = []
    for row in steps:
        module = by_module.get(row.module_path)
        if module is None:  # a step under an unpublished module
            continue
        state = StepState(row=row, done=row.key in done_keys, locked=False)
        if blocked_by and not state.done:
            state.locked = True
            state.locked_reason = _("Finish %(courses)s first.") % {
                "courses": ", ".join(blocked_by)
            }
        elif module.row.unlock_in_order and not state.done:
            earlier = next((s for s in module.steps if not s.done), None)
            if earlier is not None:
                state.locked = True
                state.locked_reason = _("Opens when “%(step)s” is done.") % {
                    "step": earlier.row.title
                }
        state.current = row.key == current_key
        module.steps.append(state)
        ordered.append(state)
    return Outline(modules=list(by_module.values()), steps=ordered)
