"""flows.memory: the cyclic collector's frozen set during a review, and giving back."""

from __future__ import annotations

import gc
import weakref

from flows.memory import gc_settled, give_back, settle


class Node:
    """A cycle: freed only by the cyclic collector."""

    def __init__(self) -> None:
        self.itself = self


def test_settled_objects_are_left_out_until_exit():
    assert gc.get_freeze_count() == 0
    with gc_settled():
        first = gc.get_freeze_count()
        assert first > 0  # everything alive on entry
        kept = [[n] for n in range(1000)]
        settle()
        assert gc.get_freeze_count() >= first + len(kept)
    assert gc.get_freeze_count() == 0


def test_cycles_among_settled_objects_are_collected_after_exit():
    with gc_settled():
        node = Node()
        ref = weakref.ref(node)
        settle()
        del node
        gc.collect()
        assert ref() is not None  # left out while settled
    gc.collect()
    assert ref() is None


def test_give_back_collects_cycles():
    node = Node()
    ref = weakref.ref(node)
    del node
    give_back()
    assert ref() is None


def test_settle_outside_a_settled_block_does_nothing():
    settle()
    give_back()
    assert gc.get_freeze_count() == 0


def test_nested_blocks_unfreeze_when_the_outer_one_ends():
    with gc_settled():
        with gc_settled():
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
