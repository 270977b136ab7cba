"""Reading YAML that people write, within bounds: every file opskit reads goes through here.

A YAML file of one kilobyte can describe a billion values through aliases
("billion laughs"), and one of a few kilobytes can nest thousands of levels
deep. Before anything is built from a text, its events are read once
(iteratively, so depth costs nothing) and counted: the values it expands
to with every alias followed, and how deep it nests. Past either bound the
file is refused with the line where it went too far. Integers are bounded
too (Python refuses to read integers of more than 4,300 digits at all).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 64
MAX_VALUES = 200_000
MAX_INTEGER_CHARACTERS = 40

# libyaml's parser when present: several times faster, and iterative like the pure one.
_Base: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class YamlBoundsError(yaml.YAMLError):
    """The text is valid YAML but too large or too deep to read; ``problem_mark`` says where."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        where = f" (line {self.problem_mark.line + 1})" if self.problem_mark else ""
        return f"{self.problem}{where}"


class BoundedLoader(_Base):
    """PyYAML's safe loader, refusing integers too long to be a setting."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        written = str(node.value).replace("_", "").lstrip("+-")
        if len(written) > MAX_INTEGER_CHARACTERS:
            raise YamlBoundsError(
                f"a number of {len(written)} digits is too large to be a setting",
                node.start_mark,
            )
        return int(super().construct_yaml_int(node))


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)


def check_bounds(text: str) -> None:
    """Raise YamlBoundsError (or yaml.YAMLError for a broken text) when ``text`` is too big."""
    try:
        _count(text)
    except YamlBoundsError:
        raise
    except yaml.YAMLError as error:
        # libyaml stops at its own depth limit while scanning, before any event says so.
        if "maximum nesting depth" in str(error):
            mark = getattr(error, "problem_mark", None)
            raise YamlBoundsError(f"nested more than {MAX_DEPTH} levels deep", mark) from None
        raise


def _count(text: str) -> None:
    sizes: dict[str, int] = {}  # anchor -> values under it, aliases followed
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, values so far)
    total = 0
    for event in yaml.parse(text, Loader=BoundedLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise YamlBoundsError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            stack.append((event.anchor, 1))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, count = stack.pop()
            if anchor:
                sizes[anchor] = count
        elif isinstance(event, yaml.AliasEvent):
            count = sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        if not isinstance(event, yaml.CollectionEndEvent):
            total += count
        if total > MAX_VALUES:
            raise YamlBoundsError(
                f"the file expands to more than {MAX_VALUES:,} values (aliases followed); "
                "write the values out or use fewer aliases",
                event.start_mark,
            )
        if stack:
            parent, so_far = stack[-1]
            stack[-1] = (parent, so_far + count)


def load(text: str) -> Any:
    """The data in ``text``; raises yaml.YAMLError (YamlBoundsError when out of bounds)."""
    check_bounds(text)
    return _construct(text)


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (with line marks) and the data of ``text``, within bounds."""
    check_bounds(text)
    loader = BoundedLoader(text)
    try:
        root = loader.get_single_node()
        # Built from the tree just read: the text is not parsed a third time.
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _construct(text: str) -> Any:
    """The data, built by the safe constructor (no arbitrary objects)."""
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
