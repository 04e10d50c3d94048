"""The suite reads messages in English unless a test asks for Japanese (--lang-ui ja, or its own LANG in a
subprocess): a developer's or CI's Japanese locale must not change what the tests see."""

import os

os.environ["LANGUAGE"] = "en"
