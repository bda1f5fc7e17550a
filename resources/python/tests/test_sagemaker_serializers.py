"""`lathe.sagemaker.serializers` and `.deserializers`: the shapes the seed POC's predictor sends and reads."""
import io
import json
import os
import sys

import numpy

RESOURCES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RESOURCES)

import lathe.sagemaker as sagemaker  # noqa: E402


def test_csv_serializer_passes_strings_and_writes_rows():
    csv = sagemaker.serializers.CSVSerializer()
    assert csv.CONTENT_TYPE == "text/csv"
    assert csv.serialize("200.0,14,0.85,5") == "200.0,14,0.85,5"
    assert csv.serialize(b"1,2") == "1,2"
    assert csv.serialize([200.0, 14, 0.85, 5]) == "200.0,14,0.85,5"
    assert csv.serialize([[1, 2], [3, 4]]) == "1,2\n3,4"
    assert csv.serialize(io.StringIO("5,6")) == "5,6"
    assert csv.serialize([["a,b", 'say "hi"']]) == '"a,b","say ""hi"""'


def test_csv_serializer_takes_numpy_arrays():
    np = numpy
    csv = sagemaker.serializers.CSVSerializer()
    assert csv.serialize(np.array([[200.0, 14.0], [1.5, 2.0]])) == "200.0,14.0\n1.5,2.0"
    assert csv.serialize(np.array([1, 2, 3])) == "1,2,3"


def test_csv_deserializer_answers_rows_of_strings():
    rows = sagemaker.deserializers.CSVDeserializer().deserialize(io.BytesIO(b"0.0134\n"), "text/csv")
    assert rows == [["0.0134"]] and float(rows[0][0]) == 0.0134
    assert sagemaker.deserializers.CSVDeserializer().deserialize(io.BytesIO(b"0.1,0.9\n0.7,0.3\n"), "text/csv") == [["0.1", "0.9"], ["0.7", "0.3"]]
    assert sagemaker.deserializers.CSVDeserializer.ACCEPT == ("text/csv",)


def test_json_serializer_and_deserializer():
    np = numpy
    assert json.loads(sagemaker.serializers.JSONSerializer().serialize({"instances": np.array([1, 2])})) == {"instances": [1, 2]}
    assert sagemaker.serializers.JSONSerializer().serialize('{"a": 1}') == '{"a": 1}'
    assert sagemaker.deserializers.JSONDeserializer().deserialize(io.BytesIO(b'{"p": [0.5]}'), "application/json") == {"p": [0.5]}
