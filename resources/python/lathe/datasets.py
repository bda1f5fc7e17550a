"""Small data sets Lathe makes itself (nothing is downloaded), e.g. the seed POC's fraud data."""
import os

import numpy as np
import pandas as pd


def seed_fraud_frame(n=10000, seed=42):
    """The seed POC's synthetic fraud data: 4 features, about 2% positives."""
    np.random.seed(seed)
    return pd.DataFrame({
        "amount": np.random.exponential(200, n),
        "hour": np.random.randint(0, 24, n),
        "merchant_risk": np.random.uniform(0, 1, n),
        "velocity_24h": np.random.poisson(3, n),
        "fraud": (np.random.rand(n) < 0.02).astype(int),
    })


def write_seed_fraud_csv(folder, n=10000):
    """train.csv and test.csv as the seed writes them: 80/20 split, label first, no header."""
    from sklearn.model_selection import train_test_split

    frame = seed_fraud_frame(n)
    train, test = train_test_split(frame, test_size=0.2, random_state=42)
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for name, part in (("train", train), ("test", test)):
        labelled = pd.concat([part["fraud"], part.drop("fraud", axis=1)], axis=1)
        paths[name] = os.path.join(folder, name + ".csv")
        labelled.to_csv(paths[name], index=False, header=False)
    return paths
