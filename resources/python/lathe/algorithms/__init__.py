"""Built-in training algorithms, run inside a job folder laid out like SageMaker's /opt/ml."""
