from k8sread.core.history import LIMIT, JumpHistory, Place

A, B, C, D = (Place(f"{n}.go", i) for i, n in enumerate("abcd", 1))


def test_back_and_forward():
    history = JumpHistory()
    history.jumped(A)  # A -> B
    history.jumped(B)  # B -> C
    assert history.back(C) == B
    assert history.back(B) == A
    assert history.back(A) is None
    assert history.forward(A) == B
    assert history.forward(B) == C
    assert history.forward(C) is None


def test_new_jump_drops_forward():
    history = JumpHistory()
    history.jumped(A)
    assert history.back(B) == A
    history.jumped(A)  # A -> D
    assert not history.can_go_forward
    assert history.back(D) == A


def test_bounded_and_no_duplicate_origin():
    history = JumpHistory()
    for i in range(LIMIT + 50):
        history.jumped(Place("x.go", i))
    history.jumped(Place("x.go", LIMIT + 49))
    count = 0
    current = Place("y.go", 1)
    while (previous := history.back(current)) is not None:
        count += 1
        current = previous
    assert count == LIMIT
