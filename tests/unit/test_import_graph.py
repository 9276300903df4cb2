"""No import circle anywhere in src/: every module can be understood, and imported, after the
ones it depends on. Imports made only for type checking count too."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import grimp

PACKAGES = ("mediation_core", "mediation_memory", "mediation_notify", "mediation_reports", "mediation_sqlalchemy")


def circles(imports: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in imports:
        if root in index:
            continue
        work = [(root, iter(imports[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    yield sorted(group)


def test_the_circle_finder_finds_a_circle() -> None:
    found = list(circles({"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": [], "e": ["e"]}))
    assert found == [["a", "b", "c"]]


def test_no_module_of_src_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    assert list(circles(imports)) == []
