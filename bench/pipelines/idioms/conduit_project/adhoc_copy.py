"""Ad-hoc copy for the on-call engineer: python adhoc_copy.py SRC DST"""
import sys

from common.fileio import copy_text

if __name__ == "__main__":
    copy_text(sys.argv[1], sys.argv[2])
