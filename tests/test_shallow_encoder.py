"""An encoder cut to its bottom layers keeps those layers' weights, its tokenizer, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="needs the train extra")
transformers = pytest.importorskip("transformers", reason="needs the train extra")

from propwatch.training.encoders.shallow import keep_bottom_layers  # noqa: E402


@pytest.fixture
def four_layers(tmp_path: Path) -> Path:
    config = transformers.BertConfig(
        vocab_size=40, hidden_size=16, num_hidden_layers=4, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=32,
    )  # fmt: skip
    torch.manual_seed(0)
    folder = tmp_path / "source"
    transformers.BertModel(config, add_pooling_layer=False).save_pretrained(str(folder))
    (folder / "tokenizer.json").write_text('{"stands": "for the tokenizer"}')
    return folder


def test_the_bottom_layers_are_kept_as_they_were(four_layers: Path, tmp_path: Path) -> None:
    out = tmp_path / "shallow"
    report = keep_bottom_layers(four_layers, out, 2)

    assert report == {"source": str(four_layers), "layers": 2, "layers_in_source": 4}
    source = transformers.AutoModel.from_pretrained(str(four_layers), add_pooling_layer=False)
    shallow = transformers.AutoModel.from_pretrained(str(out), add_pooling_layer=False)
    assert shallow.config.num_hidden_layers == len(shallow.encoder.layer) == 2
    kept = shallow.state_dict()
    for name, weight in source.state_dict().items():
        if ".layer.2." in name or ".layer.3." in name:
            assert name not in kept
        else:
            assert torch.equal(kept[name], weight), name
    assert (out / "tokenizer.json").read_text() == (four_layers / "tokenizer.json").read_text()
    # a folder already made is kept, not remade
    (out / "shallow-report.json").write_text(json.dumps({"kept": True}))
    assert keep_bottom_layers(four_layers, out, 2) == {"kept": True}


@pytest.mark.parametrize("layers", [0, 5])
def test_a_layer_count_the_source_cannot_give_is_refused(
    four_layers: Path, tmp_path: Path, layers: int
) -> None:
    with pytest.raises(ValueError, match="has 4 layers; keep between 1 and 4"):
        keep_bottom_layers(four_layers, tmp_path / "shallow", layers)
