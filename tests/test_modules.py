"""convanim.from_module: a PyTorch layer's own figure, with its own weights."""

from __future__ import annotations

import random
import re
import warnings

import numpy as np
import pytest

import convanim
from convanim.report import shown

torch = pytest.importorskip("torch", reason="from_module is checked against PyTorch, which is not installed")
nn = torch.nn

MODES = ("zeros", "reflect", "replicate", "circular")


def random_module(rng: random.Random, ndim: int):
    """A Conv1d/Conv2d with random sizes and settings that PyTorch accepts,
    and an input it takes (sometimes with a batch of one)."""
    groups = rng.choice((1, 1, 2, 3))
    in_ch, out_ch = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
    kernel = tuple(rng.randint(1, 3) for _ in range(ndim))
    dilation = tuple(rng.randint(1, 2) for _ in range(ndim))
    mode = rng.choice(MODES)
    if rng.random() < 0.3:
        stride, padding = 1, rng.choice(("same", "valid"))
    else:
        stride = tuple(rng.randint(1, 2) for _ in range(ndim))
        padding = tuple(rng.randint(0, 2) for _ in range(ndim))
    spatial = tuple(rng.randint(5, 7) for _ in range(ndim))
    cls = nn.Conv1d if ndim == 1 else nn.Conv2d
    module = cls(in_ch, out_ch, kernel, stride=stride, padding=padding, dilation=dilation, groups=groups,
                 bias=rng.random() < 0.7, padding_mode=mode).double()
    shape = ((1,) if rng.random() < 0.5 else ()) + (in_ch,) + spatial
    return module, torch.randn(shape, dtype=torch.float64)


@pytest.mark.parametrize("ndim", [1, 2])
@pytest.mark.parametrize("seed", range(12))
def test_the_trace_of_a_random_module_is_the_modules_own_output(ndim, seed):
    rng = random.Random(seed * 10 + ndim)
    torch.manual_seed(seed)
    module, x = random_module(rng, ndim)
    try:
        with warnings.catch_warnings():
            # 'same' with an even kernel: PyTorch says it will copy the input.
            warnings.simplefilter("ignore", UserWarning)
            expected = module(x).detach().numpy()
    except RuntimeError:
        pytest.skip("PyTorch itself refuses this combination")  # e.g. reflect padding wider than the input
    result = convanim.from_module(module, x)
    assert result.output.shape == expected.shape[-result.output.ndim :]
    np.testing.assert_allclose(result.output, expected.reshape(result.output.shape), rtol=1e-12, atol=1e-12)
    # Its own weights and settings, not convanim's defaults.
    np.testing.assert_array_equal(result.conv.weight, module.weight.detach().numpy())
    assert result.spec.groups == module.groups and result.spec.padding_mode == module.padding_mode


def test_the_figure_of_a_module_writes_the_modules_numbers():
    torch.manual_seed(1)
    module = nn.Conv1d(1, 1, 3, padding=1).double()
    x = torch.randn(1, 1, 6, dtype=torch.float64)
    expected = module(x).detach().numpy().reshape(-1)
    captions = [frame.caption for frame in convanim.frames(convanim.from_module(module, x), convanim.RenderOptions(width=480))]
    results = [re.split(" ([=≈]) ", caption)[-2:] for caption in captions if caption.startswith("step ")]
    # A rounded sum reads "… ≈ 0.123457": the mark moves before the number.
    assert ["".join(r).removeprefix("=") for r in results] == [shown(float(v)) for v in expected]


def test_a_float32_module_and_a_grad_input_are_read_as_they_are():
    torch.manual_seed(2)
    module = nn.Conv1d(2, 2, 3)  # float32, weights that require grad
    x = torch.randn(2, 8, requires_grad=True)
    result = convanim.from_module(module, x)
    np.testing.assert_allclose(result.output, module(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_a_module_renders_to_a_file(tmp_path):
    module = nn.Conv1d(1, 2, 2, stride=2, bias=False).double()
    path = convanim.render(convanim.from_module(module, torch.arange(1.0, 7.0).reshape(1, 6)), tmp_path / "layer.gif")
    assert path.read_bytes()[:6] == b"GIF89a"


@pytest.mark.parametrize(
    "module, x, option, words",
    [
        (lambda: nn.ConvTranspose1d(2, 2, 3), lambda: torch.randn(1, 2, 5), "module", ["ConvTranspose1d", "transposed"]),
        (lambda: nn.Linear(2, 2), lambda: torch.randn(1, 2), "module", ["Linear", "Conv1d"]),
        (lambda: nn.Conv3d(1, 1, 1), lambda: torch.randn(1, 1, 2, 2, 2), "module", ["Conv3d"]),
        (lambda: nn.Sequential(nn.Conv1d(1, 1, 1)), lambda: torch.randn(1, 1, 4), "module", ["Sequential"]),
        (lambda: nn.LazyConv1d(2, 3), lambda: torch.randn(1, 2, 5), "weight", ["lazy"]),
        (lambda: nn.Conv1d(2, 2, 3), lambda: torch.randn(3, 2, 5), "input", ["batch of 3", "input[:1]"]),
        (lambda: nn.Conv1d(2, 2, 3), lambda: torch.randn(5), "input", ["(C, L)", "(5,)"]),
        (lambda: nn.Conv2d(2, 2, 3), lambda: torch.randn(2, 5), "input", ["(C, H, W)"]),
        (lambda: nn.Conv1d(2, 2, 3), lambda: torch.randn(3, 5), "input", ["3 channels", "in_channels=2"]),
        (lambda: nn.Conv1d(1, 1, 3), lambda: "abc", "input", ["real numbers"]),
    ],
)
def test_what_convanim_cannot_draw_is_one_clear_error(module, x, option, words):
    with pytest.raises(convanim.SpecError) as caught:
        convanim.from_module(module(), x())
    assert caught.value.option == option and "\n" not in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_modules_are_read_without_importing_torch():
    import subprocess
    import sys

    probe = "import sys, convanim.modules; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0
