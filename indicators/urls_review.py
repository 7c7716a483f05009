"""Addresses of the review pages (completeness, approval, history, targets), under
/a/<authority-slug>/."""

from django.urls import path

from .views import review

urlpatterns = [
    path("review/", review.review_choose, name="review_choose"),
    path("review/<str:period>/", review.review, name="review"),
    path("review/<str:period>/approve/", review.review_approve, name="review_approve"),
    path(
        "review/<str:period>/return/<int:figure_id>/",
        review.review_return,
        name="review_return",
    ),
    path(
        "indicators/<str:code>/history.csv",
        review.indicator_history_csv,
        name="indicator_history_csv",
    ),
    path("review/<str:period>/release/", review.review_release, name="review_release"),
    path("sharing/", review.club_sharing, name="club_sharing"),
    path("targets/", review.targets, name="targets"),
    path("targets/<str:code>/<str:year>/", review.target_edit, name="target_edit"),
]
