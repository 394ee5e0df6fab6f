from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("roads.geojson", views.roads_geojson, name="roads_geojson"),
    path("mine/", views.my_area, name="mine"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/<int:pk>/", views.segment_detail, name="segment_detail"),
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("shops/", views.shop_list, name="shop_list"),
    path("shops/<int:pk>/", views.shop_detail, name="shop_detail"),
]
