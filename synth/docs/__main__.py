"""`python -m synth.docs > docs/requirements.md`."""

import sys

from synth.docs import render_requirements_reference

sys.stdout.write(render_requirements_reference())
