# Makes the .npz fixtures of tests/test_tensor_npz.lua (run: /usr/bin/python3 tests/data/make_npz.py tests/data).
import io, sys
import numpy as np

out = sys.argv[1]
base = np.array([[1.5, -2, 3.25], [4, 5.5, -6.75]])
arrays = dict(
    f8=base, f4=base.astype("<f4"), be=base.astype(">f8"), fortran=np.asfortranarray(base),
    i8=np.array([1, -2, 3, 4, 5, -6], dtype="<i8"), i2=np.array([-300, 7], dtype="<i2"),
    u1=np.arange(5, dtype="u1"), b=np.array([True, False, True]), scalar=np.array(2.5),
    empty=np.zeros((0, 3)), cube=np.arange(24, dtype="<f4").reshape(2, 3, 4, order="F"))
np.savez(f"{out}/npz_savez.npz", **arrays)
np.savez_compressed(f"{out}/npz_compressed.npz", **arrays)


class Unseekable(io.RawIOBase):
    """A write-only stream without tell/seek, so zipfile writes data descriptors."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


with open(f"{out}/npz_descriptor.npz", "wb") as f:
    np.savez_compressed(Unseekable(f), f8=base, i8=arrays["i8"])
