"""The records format v1 (shared/DESIGN.md) as pydantic models: student, internship, institution."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.i18n import _
from pipeline.records.types import (
    CardNumber,
    Country,
    Day,
    Email,
    Flag,
    Id,
    Number,
    Paragraph,
    Phone,
    PostalCode,
    Prefecture,
    Roman,
    Text,
    Whole,
    one_line,
    parse_whole,
    pattern,
)


class Record(BaseModel):
    """Unknown keys are errors; records never change once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- student -------------------------------------------------------------------------------------

class PersonName(Record):
    family: Roman
    given: Roman | None = None  # absent for a mononym
    family_ja: Text | None = None
    given_ja: Text | None = None


class Address(Record):
    postal_code: PostalCode
    prefecture: Prefecture
    ja: Text
    en: Text


class Program(Record):
    name_ja: Text
    name_en: Text
    institute_ja: Text
    institute_en: Text
    degree: Literal["doctoral", "masters"]
    course: Literal["five-year", "three-year"]
    year: Whole
    enrolled_on: Day
    expected_completion_on: Day
    office_email: Email | None = None  # the program office (専攻事務), for reminders


class Supervisor(Record):
    name_ja: Text
    name_en: Text
    email: Email | None = None


class PeriodOfStay(Record):
    years: Whole = 0
    months: Whole = 0


class Passport(Record):
    number: Text
    expires_on: Day


ResidenceStatus = Literal["student", "permanent_resident", "spouse_or_child_of_japanese",
                          "long_term_resident", "dependent", "designated_activities", "other"]


class Residence(Record):
    status: ResidenceStatus
    period_of_stay: PeriodOfStay | None = None
    expires_on: Day | None = None
    card_number: CardNumber
    passport: Passport | None = None


class Jsps(Record):
    category: Literal["DC1", "DC2", "PD", "RPD", "CPD"]
    fellow_number: Text
    host_researcher_ja: Text
    host_researcher_en: Text
    host_consent_on: Day | None = None
    project_ja: Text | None = None
    project_en: Text | None = None


class Funding(Record):
    jsps: Jsps | None = None
    mext_scholarship: Flag = False
    sokendai_special_researcher: Literal["pioneering", "field-specific"] | None = None
    research_assistant: Flag = False


class Insurance(Record):
    gakkensai: Flag = False
    gakkenbai: Flag = False


class Student(Record):
    kind: Literal["student"] = "student"
    id: Id
    name: PersonName
    sex: Literal["female", "male"]
    birth_date: Day
    nationality: Country
    marital_status: Literal["single", "married"] | None = None
    email: Email
    phone: Phone | None = None
    address: Address
    program: Program
    supervisor: Supervisor
    residence: Residence | None = None
    funding: Funding = Funding()
    insurance: Insurance = Insurance()

    @model_validator(mode="after")
    def _residence_for_foreigners(self) -> Student:
        if self.residence is None and self.nationality != "JP":
            raise PydanticCustomError("residence", _("missing required field 'residence' "
                                                     "(required unless nationality is JP)"))
        return self

    @property
    def is_international(self) -> bool:
        return self.nationality != "JP"


# ---- internship ----------------------------------------------------------------------------------

class Contact(Record):
    name_ja: Text | None = None
    name_en: Text | None = None
    title_ja: Text | None = None
    title_en: Text | None = None
    email: Email | None = None


class Company(Record):
    name_ja: Text
    name_en: Text
    address_ja: Text
    address_en: Text
    phone: Phone
    industry_ja: Text
    industry_en: Text
    contact: Contact | None = None


class Workplace(Record):
    address_ja: Text
    address_en: Text
    outside_parent_institute: Flag = True


class Period(Record):
    start: Day
    end: Day

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: date, info) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise PydanticCustomError("period", _("the period ends ({end}) before it starts ({start})").format(
                end=end, start=start))
        return end


class Pay(Record):
    amount: Whole
    per: Literal["month", "week", "day", "hour"]


class Payment(Record):
    paid_on: Day
    amount: Whole


class Steps(Record):
    """Dates each of the guide's 12 steps was done; all optional."""

    consulted_on: Day | None = None  # STEP 1: first contact with the secretariat
    supervisor_approved_on: Day | None = None  # STEP 2: the supervisor's prior approval
    registered_on: Day | None = None  # STEP 3: account in the matching system
    briefing_attended_on: Day | None = None  # STEP 4: monthly online briefing
    application_approved_on: Day | None = None  # STEP 5: the supervisor approves the application
    applied_on: Day | None = None
    selected_on: Day | None = None
    accepted_on: Day | None = None
    contract_signed_on: Day | None = None
    contract_checked_on: Day | None = None  # STEP 9: the secretariat checked the employment contract
    implementation_contract_signed_on: Day | None = None  # STEP 9: university–company contract
    course_registered_on: Day | None = None
    evaluation_requested_on: Day | None = None
    evaluation_received_on: Day | None = None
    graded_on: Day | None = None


class WorkPermit(Record):
    applied_on: Day | None = None
    granted_on: Day | None = None
    kind: Literal["comprehensive", "individual"] | None = None  # 包括許可 (≤ 28 h/week) | 個別許可
    hours_per_week: Number | None = None  # hours the permission allows, where it states them


class Grading(Record):
    """STEP 12: the grade a faculty member of the Center for Educational Development gives."""

    grade: Text
    by_ja: Text | None = None
    by_en: Text | None = None
    graded_on: Day | None = None


class Evaluator(Record):
    name_ja: Text | None = None
    name_en: Text | None = None
    title_ja: Text | None = None
    title_en: Text | None = None

    @model_validator(mode="after")
    def _named(self) -> Evaluator:
        if not (self.name_ja or self.name_en):
            raise PydanticCustomError("evaluator", _("the evaluator needs name_ja or name_en"))
        return self


Rating = Annotated[int, BeforeValidator(parse_whole), Field(ge=1, le=5)]  # 1 (poor) … 5 (excellent)


class Ratings(Record):
    research: Rating
    problem_solving: Rating
    practical: Rating
    communication: Rating
    initiative: Rating


class Evaluation(Record):
    received_on: Day
    evaluated_on: Day | None = None  # the date the evaluator wrote on the form (記入日)
    evaluator: Evaluator
    ratings: Ratings
    attendance_days: Whole
    hours_total: Number
    strengths: Paragraph | None = None  # the form's multi-line boxes
    improvements: Paragraph | None = None
    comment: Paragraph | None = None


class Internship(Record):
    kind: Literal["internship"] = "internship"
    id: Id
    student: Id
    job_description: Text | None = None
    company: Company
    title_ja: Text
    title_en: Text
    duties_ja: Paragraph  # 職務内容: a paragraph in every document
    duties_en: Paragraph
    workplace: Workplace
    period: Period
    hours_per_week: Number
    pay: Pay | None = None
    payments: list[Payment] | None = None
    credits: Whole
    steps: Steps = Steps()
    work_permit: WorkPermit | None = None
    evaluation: Evaluation | None = None
    grading: Grading | None = None


# ---- institution ---------------------------------------------------------------------------------

class Agent(Record):
    name_ja: Text
    name_en: Text | None = None
    organisation_ja: Text
    organisation_en: Text | None = None
    address_ja: Text | None = None
    phone: Phone | None = None


TimestampUrl = Annotated[str, BeforeValidator(one_line),
                        pattern(r"https?://[^\s/]+\S*", lambda: _("timestamp server address (http://… or https://…)"))]


class Signing(Record):
    key: Text
    timestamp_url: TimestampUrl | None = None  # an RFC 3161 timestamp server: signatures become PAdES B-T


class Institution(Record):
    kind: Literal["institution"] = "institution"
    name_ja: Text = "国立大学法人 総合研究大学院大学"
    name_en: Text = "The Graduate University for Advanced Studies, SOKENDAI"
    signatory_title_ja: Text = "学長"
    signatory_title_en: Text = "President"
    signatory_name_ja: Text | None = None
    signatory_name_en: Text | None = None
    address_ja: Text = "神奈川県三浦郡葉山町（湘南国際村）"
    address_en: Text = "Shonan Village, Hayama, Kanagawa 240-0193, Japan"
    secretariat_email: Email | None = None
    seal_image: Text | None = None
    date_style: Literal["era", "western"] = "era"
    serial_prefix: Id = "CERI"
    phone: Phone | None = None
    agent: Agent | None = None  # 申請取次者: the staff member who files permit applications for students
    # the certificate register, relative to this record's file (`register` shadows BaseModel.register)
    register_path: Text | None = Field(None, alias="register")
    signing: Signing | None = None  # the PAdES signing key, relative to this record's file


MODELS: dict[str, type[Record]] = {"student": Student, "internship": Internship, "institution": Institution}
__all__ = ["MODELS", "Decimal", "Institution", "Internship", "Student"]
