"""Token authentication for the mobile app and integrations: a token per device, expiring
(staff after hours, citizens after days), revocable one device at a time or all at once."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..exceptions import OTPRequired
from ..guard import staff_access_revoked
from ..selectors import has_otp_device, is_staff_member
from ..services import api_token_issue, api_token_revoke, otp_verify, user_sign_out_everywhere
from .auth import PortalTokenAuthentication
from .schema import PortalTokenScheme  # noqa: F401 - registers the schema of the tokens


class TokenRequestSerializer(serializers.Serializer):
    identifier = serializers.CharField(help_text="Số CCCD, số điện thoại hoặc tên đăng nhập.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True,
                                help_text="Mã xác thực hai bước, bắt buộc nếu tài khoản có.")


def _presented_token(request) -> AuthToken:
    if not isinstance(request.auth, AuthToken):
        raise AuthenticationFailed("Cần gửi token trong header Authorization.",
                                   code="not_authenticated")
    return request.auth


class TokenView(APIView):
    authentication_classes = [PortalTokenAuthentication]
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {
                "token": serializers.CharField(),
                "expiry": serializers.DateTimeField(help_text="Token hết hạn lúc này."),
            }),
            400: OpenApiResponse(description="Thiếu trường."),
            401: OpenApiResponse(description="Sai thông tin, hoặc cần/ sai mã OTP."),
            403: OpenApiResponse(description="Cán bộ chưa đăng ký xác thực hai bước."),
            429: OpenApiResponse(description="Tạm khóa do đăng nhập sai nhiều lần."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["identifier"],
                            password=data["password"])
        if user is None:
            raise AuthenticationFailed("Thông tin đăng nhập không đúng.",
                                       code="invalid_credentials")
        if staff_access_revoked(user):
            raise AuthenticationFailed("Tài khoản đã bị vô hiệu hóa.", code="account_inactive")
        if has_otp_device(user):
            if not data.get("otp"):
                raise OTPRequired("Cần mã xác thực hai bước.")
            otp_verify(user=user, token=data["otp"])  # InvalidOTP: 401 invalid_otp
        elif is_staff_member(user):
            raise PermissionDenied(
                "Cán bộ phải đăng ký xác thực hai bước trên cổng trước khi dùng API.",
                code="otp_enrolment_required",
            )
        instance, token = api_token_issue(user=user)
        return Response({"token": token,
                         "expiry": serializers.DateTimeField().to_representation(
                             instance.expiry)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Signs this device out (the same as POST auth/logout/)."""
        api_token_revoke(token=_presented_token(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revokes the token this request was made with: one device signs out."""

    authentication_classes = [PortalTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_token_revoke(token=_presented_token(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Signs the user out everywhere: every API token and every web session."""

    authentication_classes = [PortalTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        _presented_token(request)
        user_sign_out_everywhere(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
