"""Builders for study tests, the demo and the site-wide scope walk: small valid lesson files (a PDF,
a playable WAV, an MP4 header), a question bank, and `scope_objects`."""

import io
import struct
import wave
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicgrid.party.models import LessonKind, QuestionKind

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R/Resources<<>>>>endobj\n"
    b"4 0 obj<</Length 9>>stream\n0 0 m 1 1 l\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# The first bytes of an MP4 (ftyp box), as case uploads are sniffed: enough for the check.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2\x00\x00\x00\x08free" + b"\x00" * 64


def wav_bytes(seconds=1, rate=8000):
    """A silent mono WAV a browser really plays (so its `ended` event fires)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(struct.pack("<h", 0) * int(rate * seconds))
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def lesson_file(kind):
    if kind == LessonKind.DOCUMENT:
        return upload("lesson.pdf", PDF, "application/pdf")
    if kind == LessonKind.AUDIO:
        return upload("lesson.wav", wav_bytes(), "audio/wav")
    return upload("lesson.mp4", MP4, "video/mp4")


def make_lesson(user, org, kind=LessonKind.DOCUMENT, title="党章学习第一讲", minutes=10):
    from civicgrid.party.actions import study

    return study.publish_lesson(
        user, org.pk, title=title, summary="学习党章总纲", kind=kind, minutes=minutes, upload=lesson_file(kind)
    )


def make_bank(user, org, n=6, topic="党章"):
    """`n` questions (single, multiple, true/false in turn); the right answer is always the first option(s)."""
    from civicgrid.party.actions import study

    rows = []
    for i in range(n):
        kind = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUEFALSE)[i % 3]
        rows.append(
            study.save_question(
                user,
                org.pk,
                kind=kind,
                text=f"{topic}第{i + 1}题",
                options=["甲", "乙", "丙", "丁"],
                answer=[0, 1] if kind == QuestionKind.MULTIPLE else [0],
                topic=topic,
            )
        )
    return rows


def right_answers(attempt):
    from civicgrid.party.models import Question

    return {str(q.pk): sorted(q.answer) for q in Question.objects.filter(pk__in=attempt.question_ids)}


def make_quiz(user, org, *, count=3, limit=10, attempts=2, topic="党章", opens=None, closes=None):
    from civicgrid.party.actions import study

    now = timezone.now()
    return study.create_quiz(
        user,
        org.pk,
        title="党章知识测试",
        topic=topic,
        opens_at=opens or now - timedelta(hours=1),
        closes_at=closes or now + timedelta(days=7),
        question_count=count,
        time_limit_minutes=limit,
        pass_score=60,
        attempts_allowed=attempts,
    )


def scope_objects(o, side):
    """A side's study objects, made through the actions: `lesson` (a PDF of the street committee),
    `plan` (this month's, published, requiring it), a bank on the committee, `quiz` (open now, two
    attempts) and `attempt` (the side's member's, handed in), `question` (one of the bank)."""
    from civicgrid.party.actions import study

    o.lesson = make_lesson(o.street, o.street_org, title=f"{side} 党章学习")
    o.plan = study.create_plan(
        o.street, o.street_org.pk, month=timezone.localdate(), title=f"{side} 本月必学", lesson_ids=[o.lesson.pk]
    )
    study.publish_plan(o.street, o.plan.pk)
    o.question = make_bank(o.street, o.street_org, n=3)[0]
    o.quiz = make_quiz(o.street, o.street_org, count=3, attempts=2)
    o.attempt = study.start_attempt(o.resident, o.quiz.pk)
    study.submit_attempt(o.resident, o.attempt.pk, right_answers(o.attempt))
    o.attempt.refresh_from_db()
    return o
