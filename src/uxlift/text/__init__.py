"""The language-model layer: encoders, the embedding cache, tokenizers, classifiers."""
