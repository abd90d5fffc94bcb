"""Checks of viewlib and its pages against Flask releases other than the pinned one."""
