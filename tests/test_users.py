"""Users: scrypt hashes, roles, disable, throttled logins; the `ktgs users` contract."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from ktgs.cli import main
from ktgs.errors import AccessError, AuthError
from ktgs.settings import Settings
from ktgs.users import FILENAME, Users, check_password, hash_password


def test_hash_is_salted_scrypt_and_checks():
    a, b = hash_password("mot-mat-khau"), hash_password("mot-mat-khau")
    assert a.startswith("scrypt$16384$8$1$") and a != b
    assert check_password("mot-mat-khau", a) and not check_password("mot-mat-khaU", a)
    assert not check_password("x", "md5$abc")


def test_add_authenticate_disable(tmp_path):
    settings = Settings(home=str(tmp_path))
    with Users.open(settings) as users:
        users.add("an", "giang-vien", "mat-khau-1", ["ubkt-a", " ubkt-b "])
        v = users.authenticate("an", "mat-khau-1")
        assert (v.name, v.role, v.levels, v.groups) == ("an", "giang-vien", ("cong-khai", "noi-bo"), ("ubkt-a", "ubkt-b"))
        with pytest.raises(AuthError, match="sai tên đăng nhập hoặc mật khẩu"):
            users.authenticate("an", "sai-mat-khau")
        with pytest.raises(AuthError, match="sai tên đăng nhập hoặc mật khẩu"):
            users.authenticate("khong-co", "mat-khau-1")      # same message for an unknown name
        with pytest.raises(AccessError, match="đã có"):
            users.add("an", "hoc-vien", "mat-khau-2")
        with pytest.raises(AccessError, match="ít nhất 8"):
            users.add("binh", "hoc-vien", "ngan")
        with pytest.raises(AccessError, match="vai trò"):
            users.add("binh", "sep", "mat-khau-2")
        users.disable("an")
        with pytest.raises(AuthError):
            users.authenticate("an", "mat-khau-1")
        with pytest.raises(AuthError, match="đã bị khóa"):
            users.viewer("an")
    stored = sqlite3.connect(str(tmp_path / FILENAME)).execute("SELECT password FROM users").fetchone()[0]
    assert "mat-khau-1" not in stored


def test_logins_are_throttled(tmp_path):
    settings = Settings(home=str(tmp_path), login_max_failures=3)
    with Users.open(settings) as users:
        users.add("an", "hoc-vien", "mat-khau-1")
        for _ in range(3):
            with pytest.raises(AuthError, match="sai"):
                users.authenticate("an", "doan-bua")
        with pytest.raises(AuthError, match="quá 3 lần"):
            users.authenticate("an", "mat-khau-1")            # even the right password, for now
        users.passwd("an", "mat-khau-moi")                    # an administrator resets it
        assert users.authenticate("an", "mat-khau-moi").role == "hoc-vien"


def test_rights_follow_settings(tmp_path):
    rights = ("hoc-vien=cong-khai,noi-bo;giang-vien=cong-khai;can-bo=cong-khai,noi-bo,mat;"
              "quan-tri=cong-khai,noi-bo,mat")
    with Users.open(Settings(home=str(tmp_path), access_rights=rights)) as users:
        users.add("an", "hoc-vien", "mat-khau-1")
        assert users.viewer("an").levels == ("cong-khai", "noi-bo")


def test_cli_contract(tmp_path):
    env = {"KTGS_HOME": str(tmp_path)}
    run = CliRunner().invoke
    r = run(main, ["users", "add", "an", "--role", "can-bo", "--groups", "ubkt-a,ubkt-b", "--password-stdin"],
            input="mat-khau-1\n", env=env)
    assert r.exit_code == 0, r.output
    r = run(main, ["users", "add", "binh", "--role", "hoc-vien"], input="mat-khau-1\n", env=env)
    assert r.exit_code == 1 and "--password-stdin" in r.output
    r = run(main, ["users", "list", "--json"], env=env)
    assert [(u["name"], u["role"], u["groups"], u["disabled"]) for u in json.loads(r.output)] == [
        ("an", "can-bo", ["ubkt-a", "ubkt-b"], False)]
    assert run(main, ["users", "passwd", "an", "--password-stdin"], input="mat-khau-2\n", env=env).exit_code == 0
    assert run(main, ["users", "disable", "an"], env=env).exit_code == 0
    r = run(main, ["search", "x", "--as-user", "an"], env=env)
    assert r.exit_code == 1 and "đã bị khóa" in r.output
    r = run(main, ["audit", "list", "--json"], env=env)
    assert [e["action"] for e in json.loads(r.output)] == ["user_add", "user_passwd", "user_disable"]
    assert "mat-khau" not in r.output
