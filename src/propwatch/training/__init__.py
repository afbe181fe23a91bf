"""Training the detector (PyTorch, the `train` extra): examples, network, selection, card."""
