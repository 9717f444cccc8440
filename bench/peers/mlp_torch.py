"""The PyTorch model the torch peers time: DEPTH x (Linear(WIDTH) -> ReLU) -> Linear(1), float64,
d_in = 10 inputs, PyTorch's default initialization, seeded."""
import torch

D_IN = 10


def setup(threads, seed=0):
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)


def mlp(width, depth):
    layers, fan_in = [], D_IN
    for _ in range(depth):
        layers += [torch.nn.Linear(fan_in, width), torch.nn.ReLU()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, 1))
    return torch.nn.Sequential(*layers)
