"""Tests of the GitHub Action (action.yml and the scripts in action/), against local fakes."""
