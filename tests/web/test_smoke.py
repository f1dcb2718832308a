from tests.conftest import COURSES


def test_catalog_lists_bundled_courses(signed_in):
    client, _ = signed_in()
    page = client.get("/").get_data(as_text=True)
    assert "KI am Arbeitsplatz" in page
    assert "AI at the Workplace" in page
    assert COURSES.exists()
