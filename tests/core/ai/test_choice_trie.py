"""The token trie behind label probabilities: branch points only, prefixes end with the end token."""

from __future__ import annotations

import pytest

from rathaus.core.ai.llama import choice_trie, path_probabilities

END = 0


def test_only_branch_points_are_kept() -> None:
    paths = [[1, 2, 3], [1, 2, 4], [5]]

    assert choice_trie(paths, end_token=END) == {(): {1, 5}, (1, 2): {3, 4}}


def test_a_label_that_prefixes_another_branches_on_the_end_token() -> None:
    assert choice_trie([[1], [1, 2]], end_token=END) == {(1,): {END, 2}}


def test_path_probabilities_multiply_the_steps_and_sum_to_one() -> None:
    paths = {"a": [1, 2, 3], "b": [1, 2, 4], "c": [5], "d": [5, 6]}
    steps = {(): {1: 0.6, 5: 0.4}, (1, 2): {3: 0.25, 4: 0.75}, (5,): {END: 0.5, 6: 0.5}}

    probabilities = path_probabilities(paths, steps, end_token=END)

    assert probabilities == pytest.approx({"a": 0.15, "b": 0.45, "c": 0.2, "d": 0.2})
    assert sum(probabilities.values()) == pytest.approx(1.0)
