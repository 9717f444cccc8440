#!/usr/bin/python3
"""Write the .npy fixture files that src/io/npy.test.ts loads (run: /usr/bin/python3 scripts/make-npy-fixtures.py).

Each fixture is written by numpy itself (numpy.save / numpy.lib.format.write_array); expected.json records,
for every file, the dtype, shape and the C-order values. Floats are written with repr() (shortest
round-trip form, which JSON.parse reads back to the same float64); int64 values and the non-finite
floats are strings ("nan", "inf", "-inf", "-0.0") so that they survive JSON exactly.
Files whose name starts with "bad-" must be rejected by the reader with the error given in the JSON.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')


def encode(x, dtype):
    if dtype == 'int64':
        return str(int(x))
    if dtype == 'int32':
        return int(x)
    v = float(x)
    if v != v:
        return 'nan'
    if v in (float('inf'), float('-inf')):
        return 'inf' if v > 0 else '-inf'
    if v == 0 and np.signbit(v):
        return '-0.0'
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}

    def save(name, arr, version=None):
        arr = np.asarray(arr)
        path = os.path.join(OUT, name + '.npy')
        if version is None:
            np.save(path, arr)
        else:
            with open(path, 'wb') as f:
                np.lib.format.write_array(f, arr, version=version)
        dtype = {'<f8': 'float64', '<f4': 'float32', '<i4': 'int32', '<i8': 'int64'}[arr.dtype.str]
        expected[name] = {
            'dtype': dtype,
            'shape': list(arr.shape),
            'data': [encode(x, dtype) for x in np.ascontiguousarray(arr).ravel()],
            'version': list(version) if version else [1, 0],
        }

    f8_special = np.array([0.0, -0.0, 1.0, -2.5, np.pi, 1e-300, 5e-324, 1.7976931348623157e308,
                           np.inf, -np.inf, np.nan, 2.0 ** -1074 * 3], dtype='<f8')
    save('f8-rank0', np.float64(-1.25))
    save('f8-rank1', f8_special)
    save('f8-rank2', np.arange(12, dtype='<f8').reshape(3, 4) / 7.0)
    save('f8-rank3', (np.arange(24, dtype='<f8') - 11.5).reshape(2, 3, 4) * np.e)
    save('f8-empty', np.zeros((0, 3), dtype='<f8'))
    save('f8-empty1', np.zeros((0,), dtype='<f8'))
    save('f4-rank2', (np.arange(6, dtype='<f4').reshape(2, 3) / np.float32(3)) - np.float32(0.1))
    save('f4-special', np.array([np.inf, -np.inf, np.nan, -0.0, 3.4028235e38, 1e-45], dtype='<f4'))
    save('i4-rank1', np.array([0, 1, -1, 2 ** 31 - 1, -2 ** 31, 123456789], dtype='<i4'))
    save('i8-rank2', np.array([[0, -1, 2 ** 63 - 1], [-2 ** 63, 2 ** 53 + 1, -(2 ** 40)]], dtype='<i8'))
    save('i8-rank0', np.int64(-7))
    save('f8-v2', np.linspace(-1, 1, 5), version=(2, 0))
    save('f8-v3', np.linspace(0, 1, 4).reshape(2, 2), version=(3, 0))
    save('f8-wide', np.ones((2, 50)) * 0.5)

    bad = {}
    np.save(os.path.join(OUT, 'bad-bigendian.npy'), np.arange(3, dtype='>f8'))
    bad['bad-bigendian'] = 'big-endian'
    with open(os.path.join(OUT, 'bad-fortran.npy'), 'wb') as f:
        np.lib.format.write_array(f, np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    bad['bad-fortran'] = 'fortran_order True'
    np.save(os.path.join(OUT, 'bad-complex.npy'), np.zeros(2, dtype='<c16'))
    bad['bad-complex'] = "unsupported .npy dtype '<c16'"
    np.save(os.path.join(OUT, 'bad-uint8.npy'), np.zeros(2, dtype='u1'))
    bad['bad-uint8'] = "unsupported .npy dtype '|u1'"

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        # One array per line: small diffs when the fixtures change.
        f.write('{"numpy": %s,\n "arrays": {\n' % json.dumps(np.__version__))
        f.write(',\n'.join('  %s: %s' % (json.dumps(k), json.dumps(v)) for k, v in expected.items()))
        f.write('\n },\n "bad": %s\n}\n' % json.dumps(bad))


if __name__ == '__main__':
    main()
