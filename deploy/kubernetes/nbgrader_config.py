"""nbgrader settings for every user pod (baked into the course image at /etc/jupyter)."""

import json
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "online-grooming-awareness"
c.Exchange.root = "/srv/exchange"  # the shared ReadWriteMany volume (values.yaml)
# Collected submissions stay private to the trainer, and a submission filed under another
# trainee's name is refused: each user runs with their own uid (values.yaml), and uids.json
# (a ConfigMap made from the trainee list) says whose uid is whose.
c.ExchangeFactory.collect = "safeguarding_course.exchange.PrivateCollect"
UIDS = "/etc/course/uids.json"
if os.path.isfile(UIDS):
    with open(UIDS, encoding="utf-8") as handle:
        c.PrivateCollect.owner_names = {str(uid): name for name, uid in json.load(handle).items()}
    c.PrivateCollect.require_owner = True
