# The source article's pipeline, for `npm run bench:seed` to compare the seed against (issue 10):
# pandas read_csv, z-scores, scikit-learn KMeans (k-means++, one init), to_csv. It clusters on the
# seed's features (lib/catalog/types.ts CLUSTER_FEATURES), one row per track id, so its inertia and
# the seed's are sums over the same standardized points.
#
# usage: python3 scripts/article-pipeline.py <tracks.csv[.gz]> <k> <seed> <out.csv>
# Prints one JSON line: seconds per phase, total, inertia, peak RSS (MiB) and rows.
import json
import resource
import sys
import time

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

FEATURES = ["danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness", "tempo"]
# Where each known catalog format keeps its track id (lib/catalog/formats.ts).
ID_COLUMNS = ["id", "track_id"]


def main() -> None:
    path, k, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    started = time.perf_counter()
    tracks = pd.read_csv(path)
    id_column = next(c for c in ID_COLUMNS if c in tracks.columns)
    tracks = tracks.drop_duplicates(subset=id_column, keep="first").dropna(subset=FEATURES)
    read = time.perf_counter()

    scaled = StandardScaler().fit_transform(tracks[FEATURES])
    model = KMeans(n_clusters=k, init="k-means++", n_init=1, random_state=seed).fit(scaled)
    tracks["cluster"] = model.labels_
    clustered = time.perf_counter()

    tracks.to_csv(out, index=False)
    written = time.perf_counter()

    print(json.dumps({
        "rows": len(tracks),
        "seconds": {"read": read - started, "cluster": clustered - read, "write": written - clustered},
        "total": written - started,
        "inertia": float(model.inertia_),
        "iterations": int(model.n_iter_),
        # ru_maxrss is in KiB on Linux.
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
