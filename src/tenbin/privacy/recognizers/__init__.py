"""One recognizer class per entity type; see :mod:`tenbin.privacy.registry` for assembly."""

from tenbin.privacy.recognizers.bank_account import BankAccountRecognizer
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.recognizers.birth_date import BirthDateRecognizer
from tenbin.privacy.recognizers.corporate_number import CorporateNumberRecognizer
from tenbin.privacy.recognizers.credit_card import CreditCardRecognizer
from tenbin.privacy.recognizers.driver_license import DriverLicenseRecognizer
from tenbin.privacy.recognizers.email import EmailRecognizer
from tenbin.privacy.recognizers.ip_address import IpAddressRecognizer
from tenbin.privacy.recognizers.markers import ConfidentialMarkerRecognizer, CustomTermRecognizer
from tenbin.privacy.recognizers.my_number import MyNumberRecognizer
from tenbin.privacy.recognizers.passport import PassportRecognizer
from tenbin.privacy.recognizers.phone import PhoneRecognizer
from tenbin.privacy.recognizers.postal_code import PostalCodeRecognizer

__all__ = [
    "BankAccountRecognizer",
    "BirthDateRecognizer",
    "ConfidentialMarkerRecognizer",
    "CorporateNumberRecognizer",
    "CreditCardRecognizer",
    "CustomTermRecognizer",
    "DriverLicenseRecognizer",
    "EmailRecognizer",
    "IpAddressRecognizer",
    "MyNumberRecognizer",
    "PassportRecognizer",
    "PhoneRecognizer",
    "PostalCodeRecognizer",
    "Recognizer",
]
