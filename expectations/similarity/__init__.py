"""Near-duplicate narratives at province scale (RULES.md §4.2 SIM-PREV-YEAR, SIM-PEER).

- `text`: what is compared — parts 一 and 五 without their headings and the standard
  sentences every report prints, numbers and years masked (`mask`);
- `minhash`: 5-character shingles hashed with numpy, one-permutation MinHash
  signatures, an LSH index (bands of rows) so a batch is never compared all-pairs, and
  the exact Jaccard of two shingle sets (the score reported);
- `passages`: the aligned passages two narratives share, for the finding's evidence;
- `peers`: for each report of a batch, its most similar report of the same year by
  another agency (LSH candidates, then exact Jaccard of the best few).
"""
