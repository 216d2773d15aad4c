"""Over HTTP, deactivating the last active administrator is a 409 that says what to do instead."""


def test_deactivating_the_last_admin_answers_409_with_the_way_out(client):
    response = client.patch("/api/v1/users/admin", json={"active": False})

    assert response.status_code == 409
    assert response.json["detail"] == (
        "'admin' is the last active administrator; create another one first "
        "(`trellis users create NAME --admin`), then deactivate this account"
    )
    assert client.get("/api/v1/users/admin").json["active"] is True
