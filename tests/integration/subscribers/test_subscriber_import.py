"""Importing a CSV of numbers through the console: the upload's errors, the
preview and the import done by a real Celery worker, per kind of app, a re-run
and a resumed import, the audit trail and who may do it."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sandbox.client import wait_for
from subscribers.models import AccessToken, Subscriber, SubscriberImport
from subscribers.services import imports
from subscribers.services.consent import subscriber_opt_in, subscriber_unsubscribe
from telecom.models import AuditEvent
from telecom.roles import OPERATORS, VIEWERS
from tests.integration.console.test_admin_and_roles import staff
from tests.support.factories import HoiioAppFactory, ProviderAppFactory, VoicentAppFactory
from tests.support.worker import WorkerProcess, running_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UPLOAD = "admin:subscribers_subscriberimport_add"
CSV = (
    b"number,tags,city\n"
    b"0917 123 4567,vip;manila,Manila\n"  # opted in before: updated, can receive
    b"09181234567,vip,Cebu\n"  # new
    b"09191234567,,Davao\n"  # unsubscribed: left alone
    b"09201234567,,\n"  # known, no consent: updated
    b"+639181234567,,again\n"  # duplicate
    b"hello,,\n"  # not a number
)


@pytest.fixture
def worker():
    with running_worker(concurrency=2):
        yield


@pytest.fixture
def operator(client):
    user = staff("olive", OPERATORS)
    client.force_login(user)
    return user


def upload(client, app, data: bytes, name="numbers.csv"):
    return client.post(
        reverse(UPLOAD), {"app": app.pk, "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def status_of(subscriber_import, *statuses):
    def reached():
        subscriber_import.refresh_from_db()
        return subscriber_import.status in statuses

    return reached


def checked(client, app, data: bytes) -> SubscriberImport:
    response = upload(client, app, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    found = SubscriberImport.objects.get()
    wait_for(status_of(found, "previewed", "failed"), timeout=30, what="the check")
    return found


def applied(client, found: SubscriberImport) -> SubscriberImport:
    response = client.post(reverse("admin:subscribers_subscriberimport_apply", args=[found.pk]))
    assert response.status_code == 302
    wait_for(status_of(found, "done", "failed"), timeout=60, what="the import")
    return found


def globe_people(app):
    subscriber_opt_in(app=app, msisdn="+639171234567", token="tok-1", channel="sms")
    subscriber_opt_in(app=app, msisdn="+639191234567", token="tok-3", channel="sms")
    subscriber_unsubscribe(app=app, msisdn="+639191234567", token="tok-3")
    Subscriber.objects.create(app=app, msisdn="+639201234567", attributes={"plan": "gold"})


def test_globe_preview_then_import_never_gives_consent(client, operator, worker):
    app = ProviderAppFactory()
    globe_people(app)
    found = checked(client, app, CSV)
    assert found.status == "previewed", found.error
    assert found.total_rows == 6
    assert found.preview["counts"] == {
        "new": 1,
        "updated": 2,
        "unsubscribed": 1,
        "unreachable": 2,
        "invalid": 2,
    }
    assert found.preview["reasons"] == {"duplicate": 1, "not_a_number": 1}
    assert [s["number"] for s in found.preview["samples"]["unreachable"]] == [
        "+639181234567",
        "+639201234567",
    ]
    assert Subscriber.objects.filter(app=app).count() == 3  # the check wrote nothing

    page = client.get(reverse("admin:subscribers_subscriberimport_change", args=[found.pk]))
    html = page.content.decode()
    assert "Unable to receive" in html and 'id="apply-import"' in html

    applied(client, found)
    assert found.result["counts"] == found.preview["counts"]
    assert found.position == 6
    new = Subscriber.objects.get(app=app, msisdn="+639181234567")
    assert (new.status, new.attributes, [t.name for t in new.tags.all()]) == (
        "pending",
        {"city": "Cebu"},
        ["vip"],
    )
    assert not AccessToken.objects.filter(subscriber=new).exists()
    known = Subscriber.objects.get(app=app, msisdn="+639201234567")
    assert known.attributes == {"plan": "gold"}  # an empty cell overwrites nothing
    consented = Subscriber.objects.get(app=app, msisdn="+639171234567")
    assert consented.status == "active" and consented.attributes == {"city": "Manila"}
    assert sorted(t.name for t in consented.tags.all()) == ["manila", "vip"]
    gone = Subscriber.objects.get(app=app, msisdn="+639191234567")
    assert (gone.status, gone.attributes) == ("unsubscribed", {})
    assert AccessToken.objects.filter(revoked_at__isnull=True).count() == 1

    event = AuditEvent.objects.get(action="subscriberimport.import")
    assert event.user == operator and event.outcome == "succeeded"
    assert event.detail["new"] == 1 and event.detail["rows"] == 6
    assert event.targets == [{"id": str(found.pk), "label": str(found)}]
    assert AuditEvent.objects.filter(action="subscriberimport.apply", user=operator).exists()


@pytest.mark.parametrize("factory", [HoiioAppFactory, VoicentAppFactory])
def test_hoiio_and_voicent_imports_add_recipients(client, operator, worker, factory):
    app = factory()
    found = applied(client, checked(client, app, CSV))
    assert found.result["counts"] == {
        "new": 4,
        "updated": 0,
        "unsubscribed": 0,
        "unreachable": 0,
        "invalid": 2,
    }
    assert set(Subscriber.objects.filter(app=app).values_list("msisdn", flat=True)) == {
        "+639171234567",
        "+639181234567",
        "+639191234567",
        "+639201234567",
    }
    page = client.get(reverse("admin:subscribers_subscriberimport_change", args=[found.pk]))
    assert "Unable to receive" not in page.content.decode()


def test_a_second_run_of_the_same_file_creates_nothing(client, operator, worker):
    app = HoiioAppFactory()
    applied(client, checked(client, app, CSV))
    before = Subscriber.objects.filter(app=app).count()
    links = Subscriber.tags.through.objects.count()
    SubscriberImport.objects.all().delete()
    again = applied(client, checked(client, app, CSV))
    assert again.result["counts"]["new"] == 0 and again.result["counts"]["updated"] == 4
    assert Subscriber.objects.filter(app=app).count() == before
    assert Subscriber.tags.through.objects.count() == links


def test_a_stopped_import_resumes_from_its_position_without_duplicates(
    client, operator, settings, monkeypatch
):
    """The first worker dies after two batches (its batch in flight rolled back);
    the operator resumes and the rest is applied once."""
    settings.SUBSCRIBER_IMPORT_BATCH_ROWS = 10
    app = HoiioAppFactory()
    rows = b"".join(b"0917%07d,t%d,\n" % (n, n % 3) for n in range(1000000, 1000045))
    with running_worker(concurrency=1):
        found = checked(client, app, b"number,tags,x\n" + rows)
    assert found.total_rows == 45

    calls = {"n": 0}
    real = imports.apply_batch

    def dies_on_the_third(*args):
        calls["n"] += 1
        real(*args)  # written, then the worker is gone before the commit
        if calls["n"] == 3:
            raise SystemExit("worker killed")

    monkeypatch.setattr(imports, "apply_batch", dies_on_the_third)
    imports.apply_import(subscriber_import=found)
    with pytest.raises(SystemExit):
        imports.run_import(found.pk)
    found.refresh_from_db()
    assert (found.status, found.position) == ("applying", 20)
    assert Subscriber.objects.filter(app=app).count() == 20

    monkeypatch.setattr(imports, "apply_batch", real)
    monkeypatch.setattr(imports, "STALLED_AFTER", imports.timedelta(0))
    response = client.post(reverse("admin:subscribers_subscriberimport_resume", args=[found.pk]))
    assert response.status_code == 302
    with running_worker(concurrency=1):
        wait_for(status_of(found, "done", "failed"), timeout=60, what="the resumed import")
    assert found.position == 45
    assert found.result["counts"]["new"] == 45
    assert Subscriber.objects.filter(app=app).count() == 45
    assert Subscriber.tags.through.objects.count() == 45


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The submitted file is empty."),
        (b"\xef\xbb\xbf\n\n", "The file is empty."),
        (b"city\nManila\n", "must name the columns"),
        (b"PK\x03\x04....", "save it as CSV"),
        (",".join(f"c{i}" for i in range(10_000)).encode() + b",number\n", "10,001 columns"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_form_error(client, operator, data, says):
    response = upload(client, ProviderAppFactory(), data)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not SubscriberImport.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, operator, settings):
    settings.SUBSCRIBER_IMPORT_MAX_BYTES = 1000
    response = upload(client, ProviderAppFactory(), b"number\n" + b"09171234567\n" * 20_000)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not SubscriberImport.objects.exists()


def test_a_file_the_check_cannot_read_fails_with_its_reason(client, operator, worker):
    found = checked(client, HoiioAppFactory(), b'number,x\n09171234567,"open\n' + b"y" * 200_000)
    assert found.status == "failed"
    assert "cannot be read as CSV" in found.error
    page = client.get(reverse("admin:subscribers_subscriberimport_change", args=[found.pk]))
    assert found.error in page.content.decode()


def test_a_viewer_sees_imports_but_no_way_to_make_or_apply_one(client, worker):
    app = HoiioAppFactory()
    client.force_login(staff("olive", OPERATORS))
    found = checked(client, app, CSV)
    client.force_login(staff("victor", VIEWERS))
    listing = client.get(reverse("admin:subscribers_subscriberimport_changelist"))
    assert listing.status_code == 200 and reverse(UPLOAD) not in listing.content.decode()
    page = client.get(reverse("admin:subscribers_subscriberimport_change", args=[found.pk]))
    assert page.status_code == 200 and "apply-import" not in page.content.decode()
    subscribers = client.get(reverse("admin:subscribers_subscriber_changelist"))
    assert reverse(UPLOAD) not in subscribers.content.decode()
    assert upload(client, app, CSV).status_code == 403
    apply = client.post(reverse("admin:subscribers_subscriberimport_apply", args=[found.pk]))
    assert apply.status_code == 403
    found.refresh_from_db()
    assert found.status == "previewed"


def test_an_operator_finds_the_import_from_the_subscriber_list(client, operator):
    page = client.get(reverse("admin:subscribers_subscriber_changelist"))
    assert reverse(UPLOAD) in page.content.decode()


def test_the_import_list_keeps_its_queries_constant(
    client, operator, django_assert_max_num_queries
):
    app = HoiioAppFactory()
    for n in range(30):
        SubscriberImport.objects.create(
            app=app, requested_by=operator, file_name=f"f{n}.csv", data=b"x", size=1
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:subscribers_subscriberimport_changelist"))
    assert response.status_code == 200


def test_unknown_user_cannot_reach_the_upload(client):
    User.objects.create_user("nobody", password="pw-123-XYZ", is_staff=False)
    response = client.get(reverse(UPLOAD))
    assert response.status_code == 302  # to the sign-in page


def test_a_worker_killed_midway_leaves_whole_batches_and_the_import_resumes(
    client, operator, settings, tmp_path, monkeypatch
):
    """SIGKILL to a real worker process while it applies: every committed
    batch is whole (position and subscribers agree), and the resumed import
    applies the rest once."""
    app = HoiioAppFactory()
    rows = b"".join(b"0917%07d,,\n" % n for n in range(2000000, 2020000))
    with running_worker(concurrency=1):
        found = checked(client, app, b"number,tags,x\n" + rows)
    assert found.total_rows == 20_000

    def midway():
        found.refresh_from_db()
        return found.position >= 500

    worker = WorkerProcess(
        concurrency=1, extra_env={"SUBSCRIBER_IMPORT_BATCH_ROWS": "50"}, log=tmp_path / "w.log"
    )
    with worker:
        imports.apply_import(subscriber_import=found)
        wait_for(midway, timeout=120, what="the import under way")
        worker.kill()
    found.refresh_from_db()
    assert found.status == "applying" and 500 <= found.position < 20_000
    assert found.position % 50 == 0
    assert Subscriber.objects.filter(app=app).count() == found.position

    monkeypatch.setattr(imports, "STALLED_AFTER", imports.timedelta(0))
    client.post(reverse("admin:subscribers_subscriberimport_resume", args=[found.pk]))
    with running_worker(concurrency=1):
        wait_for(status_of(found, "done", "failed"), timeout=120, what="the resumed import")
    assert (found.status, found.position) == ("done", 20_000)
    assert found.result["counts"]["new"] == 20_000
    assert Subscriber.objects.filter(app=app).count() == 20_000
