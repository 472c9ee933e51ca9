"""The installable web app: the manifest, the service worker (root scope, the shell's URLs from the
static files storage — hashed by the manifest storage), and the offline page (the same for everyone)."""

import json
import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import storages
from django.templatetags.static import static
from django.utils.functional import empty

from civicgrid.resident import pwa

pytestmark = pytest.mark.django_db


def forget_storage():
    """Make the static files storage read its manifest again (it reads it once, when made)."""
    storages._storages.pop("staticfiles", None)
    staticfiles_storage._wrapped = empty


def precache_of(script):
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))


def test_the_manifest_names_the_app_in_chinese_with_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["name"], data["short_name"], data["lang"]) == ("智慧社区", "智慧社区", "zh-Hans")
    assert (data["start_url"], data["scope"], data["display"]) == ("/resident/", "/", "standalone")
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in data["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        image = client.get(src)
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        content = b"".join(image.streaming_content) if image.streaming else image.content
        width = int.from_bytes(content[16:20], "big")  # the PNG's IHDR
        assert f"{width}x{width}" == sizes


def test_the_manifest_speaks_english_to_an_english_browser(client):
    data = json.loads(client.get("/manifest.webmanifest", headers={"accept-language": "en"}).content)
    assert (data["name"], data["lang"]) == ("CivicGrid", "en")
    assert not re.search(r"[\u4e00-\u9fff]", json.dumps(data, ensure_ascii=False))


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response and "sessionid" not in response.cookies
    script = response.content.decode()
    assert "&quot;" not in script and "&#x27;" not in script  # the JSON went in as code, not escaped
    urls = precache_of(script)
    assert urls == [static(name) for name in pwa.SHELL_FILES] + ["/offline/"]
    assert f'const CACHE = "{pwa.cache_name(urls)}";' in script
    for url in urls:  # every URL of the shell answers, or the worker would never install
        assert client.get(url).status_code == 200, url


def test_the_service_worker_caches_only_static_files_and_the_offline_page(client):
    script = client.get("/sw.js").content.decode()
    assert 'request.method !== "GET"' in script  # POSTs and the rest go to the network untouched
    assert script.count("cache.put") == 0  # nothing fetched later is stored: no page, no API answer
    assert 'credentials: "omit"' in script  # the shell is fetched without the visitor's cookies


def test_the_precache_list_comes_from_the_manifest_storage(client, settings, tmp_path):
    """With whitenoise's manifest storage (production), the service worker lists the hashed names the
    manifest gives — and a changed file (a new hash) renames the cache."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    def write_manifest(version):
        paths = {}
        for name in [*pwa.SHELL_FILES, *(icon for icon, _s, _p in pwa.ICONS)]:
            stem, dot, ext = name.rpartition(".")
            paths[name] = f"{stem}.{version}{dot}{ext}"
        (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": version}))
        forget_storage()

    try:
        write_manifest("a1b2c3d4e5f6")
        script = client.get("/sw.js").content.decode()
        urls = precache_of(script)
        assert "/static/civicgrid/app.a1b2c3d4e5f6.js" in urls and "/static/civicgrid/pwa.a1b2c3d4e5f6.js" in urls
        assert all(".a1b2c3d4e5f6." in url for url in urls[:-1])
        manifest = json.loads(client.get("/manifest.webmanifest").content)
        assert manifest["icons"][0]["src"] == "/static/civicgrid/icons/icon-192.a1b2c3d4e5f6.png"
        write_manifest("0f0f0f0f0f0f")
        assert pwa.cache_name(precache_of(client.get("/sw.js").content.decode())) != pwa.cache_name(urls)
    finally:
        forget_storage()


def test_the_offline_page_is_chinese_first_and_the_same_for_everyone(client, world):
    tree, users, case = world
    anonymous = client.get("/offline/")
    assert anonymous.status_code == 200 and anonymous["Content-Type"] == "text/html; charset=utf-8"
    html = anonymous.content.decode()
    assert html.index("网络未连接") < html.index("No network connection")
    assert "<script" not in html and "csrfmiddlewaretoken" not in html
    client.force_login(users["resident"])
    signed_in = client.get("/offline/")
    assert signed_in.content == anonymous.content  # no name, no token, no navigation: safe to cache
    english = client.get("/offline/", headers={"accept-language": "en"})
    assert english.content == anonymous.content


@pytest.mark.parametrize("url", ["/manifest.webmanifest", "/sw.js", "/offline/"])
def test_the_web_app_files_answer_get_only(client, url):
    assert client.post(url).status_code == 405
    assert client.get(url, {"x": "\x00"}).status_code == 400


def test_a_temporary_password_does_not_redirect_the_web_app_files(client, world):
    """The browser fetches the service worker itself: a redirect (to 修改密码) would make it refuse it."""
    tree, users, case = world
    users["resident"].must_change_password = True
    users["resident"].save(update_fields=["must_change_password"])
    client.force_login(users["resident"])
    assert client.get("/resident/").url == "/accounts/password/"  # the pages still wait for a new password
    for url in ("/sw.js", "/manifest.webmanifest", "/offline/"):
        assert client.get(url).status_code == 200, url
